package io.dpsoperator.packaging;

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

  static Manifests render(String valuesYaml) {
    return Manifests.parse(renderText(valuesYaml));
  }

  static Manifests render() {
    return render("");
  }
}
