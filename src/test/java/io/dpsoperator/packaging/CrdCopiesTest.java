package io.dpsoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the same CRDs as the top-level crds/ (which the build generates). crds/ also
 * holds the kustomization.yaml through which deploy/base includes them; the chart must not (Helm
 * would try to install it as a CRD).
 */
class CrdCopiesTest {
  static final Path CRDS = Manifests.ROOT.resolve("crds");
  static final Path CHART_CRDS = Chart.DIR.resolve("files/crds");

  @Test
  void chartCrdsEqualTopLevelCrds() throws IOException {
    assumeTrue(
        Files.isDirectory(CRDS) && !crdFiles(CRDS).isEmpty(),
        "crds/ is not generated in this branch yet");

    List<String> names = crdFiles(CRDS).stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names)
        .contains(
            "individualenrollments.dpsoperator.io-v1.yml",
            "enrollmentgroups.dpsoperator.io-v1.yml");
    assertThat(Files.isDirectory(CHART_CRDS)).as("charts/dps-operator/files/crds exists").isTrue();
    assertThat(crdFiles(CHART_CRDS).stream().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrderElementsOf(names);
    assertThat(CHART_CRDS.resolve("kustomization.yaml")).doesNotExist();
    for (String name : names) {
      assertThat(CHART_CRDS.resolve(name))
          .as("charts/dps-operator/files/crds/%s equals crds/%s", name, name)
          .hasSameBinaryContentAs(CRDS.resolve(name));
    }
  }

  private static List<Path> crdFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }
}
