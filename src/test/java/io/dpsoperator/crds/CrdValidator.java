package io.dpsoperator.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates objects against a generated CRD the way the API server would on create or update:
 * unknown fields are refused (kubectl's strict field validation), schema defaults are applied, then
 * the OpenAPI schema (networknt, draft 4, {@code x-kubernetes-*} keywords ignored) and the CEL
 * rules (cel-java) are checked. Messages read {@code path: message}.
 */
final class CrdValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META_SCHEMA_IRI = "https://dpsoperator.io/k8s-openapi-v3";
  private static final JsonSchemaFactory FACTORY = schemaFactory();

  private final String kind;
  private final Map<String, Object> crdSchema;
  private final JsonSchema strictSchema;

  private CrdValidator(String kind, Map<String, Object> crdSchema) {
    this.kind = kind;
    this.crdSchema = crdSchema;
    ObjectNode strict = JSON.valueToTree(crdSchema);
    forbidUnknownFields(strict);
    ObjectNode rootProperties = (ObjectNode) strict.get("properties");
    rootProperties.putObject("apiVersion").put("type", "string");
    rootProperties.putObject("kind").put("type", "string");
    rootProperties.putObject("metadata").put("type", "object");
    this.strictSchema = FACTORY.getSchema(strict);
  }

  static CrdValidator forKind(String kind) {
    return new CrdValidator(kind, Crds.schema(Crds.forKind(kind)));
  }

  String kind() {
    return kind;
  }

  /** Errors of a create; empty when the API server would accept the object. */
  List<String> validate(Map<String, Object> object) {
    return validateUpdate(object, null);
  }

  /** Errors of an update from {@code old} to {@code object} (transition rules included). */
  List<String> validateUpdate(Map<String, Object> object, Map<String, Object> old) {
    List<String> errors = new ArrayList<>();
    Map<String, Object> defaulted = withDefaults(object);
    for (ValidationMessage m : strictSchema.validate(JSON.valueToTree(defaulted))) {
      errors.add(schemaPath(m) + ": " + m.getMessage().replaceFirst("^\\$[^:]*: ", ""));
    }
    Object oldDefaulted = old == null ? null : CelRules.toCel(withDefaults(old));
    for (CelRules.Violation v :
        CelRules.validate(crdSchema, CelRules.toCel(defaulted), oldDefaulted)) {
      errors.add(v.toString());
    }
    return errors;
  }

  /** The object with the schema's defaults filled in, as the API server does before validating. */
  @SuppressWarnings("unchecked")
  Map<String, Object> withDefaults(Map<String, Object> object) {
    return (Map<String, Object>) applyDefaults(crdSchema, CelRules.toCel(object));
  }

  @SuppressWarnings("unchecked")
  private static Object applyDefaults(Map<String, Object> schema, Object value) {
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    if (properties != null && value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
      properties.forEach(
          (name, s) -> {
            Map<String, Object> sub = (Map<String, Object>) s;
            if (!copy.containsKey(name) && sub.containsKey("default")) {
              copy.put(name, CelRules.toCel(sub.get("default")));
            }
            if (copy.containsKey(name)) {
              copy.put(name, applyDefaults(sub, copy.get(name)));
            }
          });
      return copy;
    }
    Map<String, Object> items = (Map<String, Object>) schema.get("items");
    if (items != null && value instanceof List<?> list) {
      return list.stream().map(v -> applyDefaults(items, v)).toList();
    }
    return value;
  }

  /** Structural schemas prune unknown fields; kubectl's strict validation refuses them. */
  private static void forbidUnknownFields(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    if (node.has("properties")
        && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        && !node.has("additionalProperties")) {
      node.put("additionalProperties", false);
    }
    node.path("properties").forEach(CrdValidator::forbidUnknownFields);
    forbidUnknownFields(node.get("items"));
  }

  private static String schemaPath(ValidationMessage m) {
    String path = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
    if (m.getProperty() != null && "additionalProperties".equals(m.getType())) {
      path = path.isEmpty() ? m.getProperty() : path + "." + m.getProperty();
    }
    return path;
  }

  private static JsonSchemaFactory schemaFactory() {
    JsonMetaSchema metaSchema =
        JsonMetaSchema.builder(META_SCHEMA_IRI, JsonMetaSchema.getV4())
            .keywords(
                List.of(
                    new NonValidationKeyword("x-kubernetes-validations"),
                    new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"),
                    new NonValidationKeyword("x-kubernetes-list-type"),
                    new NonValidationKeyword("x-kubernetes-list-map-keys"),
                    new NonValidationKeyword("x-kubernetes-int-or-string"),
                    new NonValidationKeyword("x-kubernetes-embedded-resource")))
            .build();
    return JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
        .metaSchema(metaSchema)
        .defaultMetaSchemaIri(META_SCHEMA_IRI)
        .build();
  }
}
