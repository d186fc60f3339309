package io.dpsoperator.packaging;

import static io.dpsoperator.packaging.Manifests.env;
import static io.dpsoperator.packaging.Manifests.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every operator setting is set by the chart, named in values.yaml and documented. */
class SettingsDocumentedTest {
  private static final Pattern SETTING = Pattern.compile("DPS_OPERATOR_[A-Z_]*[A-Z]");

  @Test
  void chartSetsEverySetting() {
    Deployment deployment = Chart.render().single(Deployment.class);

    assertThat(env(operatorContainer(deployment)).keySet())
        .containsExactlyInAnyOrderElementsOf(OperatorSettings.ENV);
  }

  @Test
  void valuesYamlNamesTheSettingOfEachValue() {
    String values = Manifests.read(Chart.DIR.resolve("values.yaml"));

    // DPS_OPERATOR_NAMESPACE is the release namespace, from the downward API.
    assertThat(settingsIn(values))
        .containsExactlyInAnyOrderElementsOf(
            OperatorSettings.ENV.stream()
                .filter(s -> !s.equals("DPS_OPERATOR_NAMESPACE"))
                .toList());
  }

  @Test
  void installGuideDocumentsEverySetting() {
    assertThat(settingsIn(Manifests.read(Manifests.ROOT.resolve("docs/install.md"))))
        .containsAll(OperatorSettings.ENV)
        .allMatch(OperatorSettings.ENV::contains);
  }

  @Test
  void chartReadmeDocumentsEverySetting() {
    assertThat(settingsIn(Manifests.read(Chart.DIR.resolve("README.md"))))
        .containsAll(OperatorSettings.ENV)
        .allMatch(OperatorSettings.ENV::contains);
  }

  /** Every key of values.yaml has a comment on the line above it. */
  @Test
  void everyValueIsCommented() {
    List<String> lines = Manifests.read(Chart.DIR.resolve("values.yaml")).lines().toList();
    Pattern key = Pattern.compile("^(\\s*)([A-Za-z][\\w.-]*):(\\s.*)?$");
    List<String> uncommented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (key.matcher(lines.get(i)).matches()) {
        String previous = i == 0 ? "" : lines.get(i - 1).strip();
        if (!previous.startsWith("#")) {
          uncommented.add((i + 1) + ": " + lines.get(i));
        }
      }
    }
    assertThat(uncommented).isEmpty();
  }

  /** Every value (down to the objects the schema leaves open) has a row in the chart README. */
  @Test
  void chartReadmeHasARowForEveryValue() throws IOException {
    JsonNode values =
        new ObjectMapper(new YAMLFactory()).readTree(Chart.DIR.resolve("values.yaml").toFile());
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> keys = new ArrayList<>();
    collectKeys("", values, schema, keys);
    String readme = Manifests.read(Chart.DIR.resolve("README.md"));

    assertThat(keys).hasSizeGreaterThan(30);
    assertThat(keys).allSatisfy(key -> assertThat(readme).contains("| `" + key + "` |"));
  }

  /** Every value is declared in the schema, and the schema declares nothing that has no value. */
  @Test
  void schemaDeclaresExactlyTheValues() throws IOException {
    JsonNode values =
        new ObjectMapper(new YAMLFactory()).readTree(Chart.DIR.resolve("values.yaml").toFile());
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> keys = new ArrayList<>();
    collectKeys("", values, schema, keys);
    List<String> declared = new ArrayList<>();
    collectSchemaKeys("", schema, declared);

    assertThat(declared)
        .filteredOn(k -> !k.equals("global"))
        .containsExactlyInAnyOrderElementsOf(keys);
  }

  /** Every property of values.schema.json, at every depth, says what it is. */
  @Test
  void everySchemaPropertyHasADescription() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> undescribed = new ArrayList<>();
    collectUndescribed("", schema, undescribed);

    assertThat(undescribed).isEmpty();
  }

  private static void collectUndescribed(String prefix, JsonNode schema, List<String> found) {
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            field -> {
              String key = prefix + field.getKey();
              if (field.getValue().path("description").asText().isBlank()) {
                found.add(key);
              }
              collectUndescribed(key + ".", field.getValue(), found);
            });
  }

  private static void collectKeys(
      String prefix, JsonNode values, JsonNode schema, List<String> keys) {
    values
        .fields()
        .forEachRemaining(
            field -> {
              String key = prefix + field.getKey();
              JsonNode property = schema.path("properties").path(field.getKey());
              assertThat(property.isMissingNode()).as("%s is in the schema", key).isFalse();
              if (property.has("properties")) {
                collectKeys(key + ".", field.getValue(), property, keys);
              } else {
                keys.add(key);
              }
            });
  }

  private static void collectSchemaKeys(String prefix, JsonNode schema, List<String> keys) {
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().has("properties")) {
                collectSchemaKeys(prefix + field.getKey() + ".", field.getValue(), keys);
              } else {
                keys.add(prefix + field.getKey());
              }
            });
  }

  private static List<String> settingsIn(String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = SETTING.matcher(text);
    while (matcher.find()) {
      if (!found.contains(matcher.group())) {
        found.add(matcher.group());
      }
    }
    return found;
  }
}
