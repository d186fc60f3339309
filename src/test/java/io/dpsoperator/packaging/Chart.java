package io.dpsoperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dps-operator Helm chart, rendered by the Helm library itself (helm-java). */
final class Chart {
  static final Path DIR = Manifests.ROOT.resolve("charts/dps-operator");
  static final String RELEASE = "dps-operator";
  static final String NAMESPACE = "dps-system";

  private Chart() {}

  /** helm template with the defaults. */
  static String renderText() {
    return renderText("");
  }

  /** helm template with a values file holding the given YAML; throws when Helm fails. */
  static String renderText(String valuesYaml) {
    try {
      Path values = Files.createTempFile("values-", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        return new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withValuesFile(values)
            .call();
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of the chart in {@code dir} whose values.yaml is the chart's with {@code valuesYaml}
   * merged over it (maps merged key by key, anything else replaced): what helm lint, which takes no
   * values file, checks in a given mode.
   */
  static Path copyWithValues(Path dir, String valuesYaml) throws IOException {
    Path copy = dir.resolve("dps-operator");
    try (var files = Files.walk(DIR)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(DIR.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    var yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode values = (ObjectNode) yaml.readTree(DIR.resolve("values.yaml").toFile());
    JsonNode overrides = yaml.readTree(valuesYaml.isBlank() ? "{}" : valuesYaml);
    merge(values, overrides);
    yaml.writeValue(copy.resolve("values.yaml").toFile(), values);
    return copy;
  }

  private static void merge(ObjectNode target, JsonNode overrides) {
    overrides
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode existing = target.get(field.getKey());
              if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
              } else {
                target.set(field.getKey(), field.getValue());
              }
            });
  }

  static Manifests render(String valuesYaml) {
    return Manifests.parse(renderText(valuesYaml));
  }

  static Manifests render() {
    return render("");
  }
}
