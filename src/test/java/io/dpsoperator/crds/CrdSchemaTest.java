package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the generated CRDs must say to users and to the API server. */
class CrdSchemaTest {
  private static final String IE = "IndividualEnrollment";
  private static final String EG = "EnrollmentGroup";

  static Stream<String> kinds() {
    return Stream.of(IE, EG);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyPropertyHasADescription(String kind) {
    List<String> missing = new ArrayList<>();
    eachProperty(
        Crds.schema(Crds.forKind(kind)),
        (path, schema) -> {
          Object description = schema.get("description");
          if (!(description instanceof String s) || s.isBlank()) {
            missing.add(path);
          }
        });
    assertThat(missing).as("properties of %s without a description", kind).isEmpty();
  }

  /** Structural schemas: every node has a type unless it preserves unknown fields. */
  @ParameterizedTest
  @MethodSource("kinds")
  void everyPropertyIsStructural(String kind) {
    List<String> untyped = new ArrayList<>();
    eachProperty(
        Crds.schema(Crds.forKind(kind)),
        (path, schema) -> {
          if (!schema.containsKey("type")
              && !Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
            untyped.add(path);
          }
        });
    assertThat(untyped).isEmpty();
  }

  /**
   * Kubernetes checks {@code pattern} with Go's RE2, clients and editors with ECMA-262, this
   * project's tests with java.util.regex: every pattern compiles in all and uses only their common
   * subset.
   */
  @ParameterizedTest
  @MethodSource("kinds")
  void patternsAreValidInJavaRe2AndEcmaDialects(String kind) {
    List<String> patterns = new ArrayList<>();
    eachProperty(
        Crds.schema(Crds.forKind(kind)),
        (path, schema) -> {
          if (schema.get("pattern") instanceof String p) {
            patterns.add(p);
          }
        });
    assertThat(patterns).hasSizeGreaterThan(5);
    for (String p : patterns) {
      Pattern.compile(p);
      com.google.re2j.Pattern.compile(p);
      assertThat(p)
          .as("anchored: %s", p)
          .startsWith("^")
          .endsWith("$")
          // Lookaround, backreferences, possessive/atomic groups, inline flags, \A \Z \z, POSIX
          // and Unicode classes differ between the dialects (or RE2 lacks them).
          .doesNotContainPattern("\\(\\?[=!<>:ims]")
          .doesNotContainPattern("\\\\[1-9AZzGpPQE]")
          .doesNotContainPattern("[*+?}]\\+")
          .doesNotContain("[[:");
    }
  }

  @Test
  void idPatternsAcceptDpsIdsAndRefuseOthers() {
    Map<String, Object> spec = property(Crds.schema(Crds.forKind(IE)), "spec");
    Pattern registrationId =
        Pattern.compile((String) property(spec, "registrationId").get("pattern"));
    assertThat(List.of("thermostat-01", "A.b_c:d-9", "x", "0"))
        .allMatch(s -> registrationId.matcher(s).matches());
    assertThat(
            List.of("ends.", "ends_", "ends-", "-starts", ".starts", "has space", "slash/no", ""))
        .noneMatch(s -> registrationId.matcher(s).matches());
    Pattern deviceId = Pattern.compile((String) property(spec, "deviceId").get("pattern"));
    assertThat(List.of("thermostat-01", "dev(1)@site$a", "it's+%#*?!,:="))
        .allMatch(s -> deviceId.matcher(s).matches());
    assertThat(List.of("a b", "a/b", "ü", "")).noneMatch(s -> deviceId.matcher(s).matches());
    assertThat(property(spec, "registrationId")).containsEntry("maxLength", 128);
    Map<String, Object> groupSpec = property(Crds.schema(Crds.forKind(EG)), "spec");
    assertThat(property(groupSpec, "enrollmentGroupId"))
        .containsEntry("maxLength", 128)
        .containsEntry("minLength", 1)
        .containsEntry("pattern", registrationId.pattern());
  }

  @Test
  void enumsAndRequiredFields() {
    Map<String, Object> ie = property(Crds.schema(Crds.forKind(IE)), "spec");
    Map<String, Object> eg = property(Crds.schema(Crds.forKind(EG)), "spec");
    assertThat(Crds.schema(Crds.forKind(IE)).get("required")).isEqualTo(List.of("spec"));
    assertThat(Crds.schema(Crds.forKind(EG)).get("required")).isEqualTo(List.of("spec"));
    for (Map<String, Object> spec : List.of(ie, eg)) {
      assertThat(spec.get("required")).isEqualTo(List.of("attestation"));
      assertThat(property(spec, "attestation").get("required")).isEqualTo(List.of("type"));
      assertThat(property(spec, "allocationPolicy").get("enum"))
          .isEqualTo(List.of("custom", "geoLatency", "hashed", "static"));
      assertThat(property(spec, "provisioningStatus"))
          .containsEntry("enum", List.of("disabled", "enabled"))
          .containsEntry("default", "enabled");
      assertThat(property(spec, "deletionPolicy"))
          .containsEntry("enum", List.of("Delete", "Orphan"))
          .containsEntry("default", "Delete");
      assertThat(property(spec, "iotHubs")).containsEntry("maxItems", 50);
    }
    assertThat(property(property(ie, "attestation"), "type").get("enum"))
        .isEqualTo(List.of("symmetricKey", "tpm", "x509"));
    assertThat(property(property(eg, "attestation"), "type").get("enum"))
        .as("DPS has no TPM groups")
        .isEqualTo(List.of("symmetricKey", "x509"));
    assertThat(property(eg, "registrationsDeletionPolicy"))
        .containsEntry("enum", List.of("Delete", "Keep"))
        .containsEntry("default", "Keep");
  }

  /** The API server refuses a CRD whose defaults do not validate against their own schema. */
  @ParameterizedTest
  @MethodSource("kinds")
  void defaultsValidateAgainstTheirSchema(String kind) {
    ObjectMapper json = new ObjectMapper();
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    List<String> invalid = new ArrayList<>();
    eachProperty(
        Crds.schema(Crds.forKind(kind)),
        (path, schema) -> {
          if (schema.containsKey("default")) {
            var errors =
                factory
                    .getSchema(json.valueToTree(schema))
                    .validate(json.valueToTree(schema.get("default")));
            if (!errors.isEmpty()) {
              invalid.add(path + ": " + errors);
            }
          }
        });
    assertThat(invalid).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void namesScopeAndStatusSubresource(String kind) {
    Map<String, Object> crd = Crds.forKind(kind);
    assertThat(Crds.path(crd, "spec", "scope")).isEqualTo("Namespaced");
    assertThat(Crds.path(crd, "spec", "group")).isEqualTo("dpsoperator.io");
    assertThat(Crds.path(crd, "spec", "names", "categories")).isEqualTo(List.of("dps"));
    assertThat(Crds.path(crd, "spec", "names", "shortNames"))
        .isEqualTo(List.of(kind.equals(IE) ? "dpsie" : "dpseg"));
    Map<String, Object> version = version(crd);
    assertThat(version).containsEntry("name", "v1alpha1").containsEntry("served", true);
    assertThat(version).containsEntry("storage", true);
    assertThat(Crds.path(version, "subresources", "status")).isEqualTo(Map.of());
  }

  @Test
  void printerColumns() {
    assertThat(columnNames(IE))
        .containsExactlyInAnyOrder(
            "Registration ID", "Attestation", "Ready", "Device Status", "Assigned Hub", "Age");
    assertThat(columnNames(EG))
        .containsExactlyInAnyOrder("Group ID", "Attestation", "Ready", "Devices", "Age");
  }

  /** A typo in a column's jsonPath shows an empty column forever; each must name a property. */
  @ParameterizedTest
  @MethodSource("kinds")
  @SuppressWarnings("unchecked")
  void printerColumnsPointAtSchemaProperties(String kind) {
    Map<String, Object> crd = Crds.forKind(kind);
    Map<String, Object> schema = Crds.schema(crd);
    for (Map<String, Object> column :
        (List<Map<String, Object>>) version(crd).get("additionalPrinterColumns")) {
      String jsonPath = (String) column.get("jsonPath");
      if (jsonPath.equals(".metadata.creationTimestamp")) {
        assertThat(column).containsEntry("type", "date");
        continue;
      }
      Map<String, Object> node = schema;
      for (String segment :
          jsonPath.substring(1).replaceAll("\\[\\?\\(.*?\\)]", "[]").split("\\.")) {
        boolean array = segment.endsWith("[]");
        node = property(node, array ? segment.substring(0, segment.length() - 2) : segment);
        assertThat(node).as("%s in %s", segment, jsonPath).isNotNull();
        if (array) {
          node = (Map<String, Object>) node.get("items");
        }
      }
      String type = (String) column.get("type");
      assertThat(node.get("type")).as(jsonPath).isEqualTo(type);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> columnNames(String kind) {
    return ((List<Map<String, Object>>) version(Crds.forKind(kind)).get("additionalPrinterColumns"))
        .stream().map(c -> (String) c.get("name")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> version(Map<String, Object> crd) {
    return ((List<Map<String, Object>>) Crds.path(crd, "spec", "versions")).get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> property(Map<String, Object> schema, String name) {
    return (Map<String, Object>) Crds.path(schema, "properties", name);
  }

  /** Visits every property and array item below the root, skipping free-form subtrees. */
  @SuppressWarnings("unchecked")
  static void eachProperty(
      Map<String, Object> schema, BiConsumer<String, Map<String, Object>> visitor) {
    walk(schema, "", visitor);
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      Map<String, Object> schema, String path, BiConsumer<String, Map<String, Object>> visitor) {
    if (Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
      return;
    }
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    if (properties != null) {
      properties.forEach(
          (name, sub) -> {
            String p = path.isEmpty() ? name : path + "." + name;
            visitor.accept(p, (Map<String, Object>) sub);
            walk((Map<String, Object>) sub, p, visitor);
          });
    }
    Map<String, Object> items = (Map<String, Object>) schema.get("items");
    if (items != null) {
      walk(items, path + "[]", visitor);
    }
  }
}
