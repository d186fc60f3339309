package io.dpsoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Dockerfile agrees with the build (jar name) and with the manifests (user, command, port). */
class DockerfileTest {
  private final List<String> lines =
      Manifests.read(Manifests.ROOT.resolve("Dockerfile")).lines().map(String::strip).toList();

  @Test
  void buildsFromTheShadedJarOnAJre17() {
    assertThat(lines).contains("FROM eclipse-temurin:17-jre");
    assertThat(Manifests.read(Manifests.ROOT.resolve("pom.xml")))
        .contains("<finalName>dps-operator</finalName>");
    assertThat(lines).contains("COPY target/dps-operator.jar /app/dps-operator.jar");
  }

  @Test
  void runsAsTheNonRootUserOfTheManifests() {
    assertThat(lines).contains("USER 65532:65532");
    assertThat(lines.stream().filter(l -> l.startsWith("USER "))).hasSize(1);
  }

  @Test
  void startsTheOperatorByDefault() {
    assertThat(lines)
        .contains(
            "ENTRYPOINT [\"java\", \"-jar\", \"/app/dps-operator.jar\"]",
            "CMD [\"run\"]",
            "EXPOSE 8080");
  }

  @Test
  void sizesTheJvmForASmallPodInOneReplaceableVariable() {
    assertThat(jvmOptions())
        .contains(
            "-XX:MaxRAMPercentage=50",
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError");
    assertThat(ImageJvm.env()).containsEntry("MALLOC_ARENA_MAX", "2");
    // On the command line they would win over JDK_JAVA_OPTIONS, which the chart sets.
    assertThat(lines).filteredOn(l -> l.startsWith("ENTRYPOINT")).noneMatch(l -> l.contains("-X"));
    assertThat(Manifests.read(Manifests.ROOT.resolve("docs/install.md")))
        .contains(String.join(" ", jvmOptions()));
  }

  /** The JVM options the image sets by default, one per element. */
  static List<String> jvmOptions() {
    return ImageJvm.options();
  }
}
