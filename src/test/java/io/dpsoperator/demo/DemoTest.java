package io.dpsoperator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.cli.Main;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's first command, run headless as its own process from an empty directory (not the
 * repository root): it must keep working.
 */
class DemoTest {

  @Test
  void everySampleBecomesReadyAndEverySimulatedDeviceIsAssigned(@TempDir Path elsewhere)
      throws Exception {
    long resources =
        Samples.load(Path.of("deploy/samples"), new KubernetesSerialization()).objects().stream()
            .filter(o -> List.of("IndividualEnrollment", "EnrollmentGroup").contains(o.getKind()))
            .count();
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath(),
                Main.class.getName(),
                "demo",
                "--plain",
                "--timeout",
                "120")
            .directory(elsewhere.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("from the built-in samples")
        .contains("RESULT: OK")
        .contains("resources Ready:  " + resources + "/" + resources)
        .containsPattern("devices assigned: (\\d+)/\\1")
        .contains("(symmetric key)")
        .contains("(key derived from the group key)")
        .contains("(X.509 mutual TLS)")
        // One enrollment is synced through a ClusterDpsConnection with workload identity.
        .contains("Connected ClusterDpsConnection fleet-dps with workload identity")
        .doesNotContain("not Ready")
        .doesNotContain("Exception");
    // The summary never prints key material from the samples.
    assertThat(output).doesNotContain("5Qrla5qpI7DDWauM3m+XwWfLUg9kRXpVAz0BW6tey1E=");
  }

  @Test
  void builtInSamplesAreTheRepositorysSamples() {
    KubernetesSerialization serialization = new KubernetesSerialization();

    assertThat(Samples.builtIn(serialization).objects())
        .isNotEmpty()
        .isEqualTo(Samples.load(Path.of("deploy/samples"), serialization).objects());
  }

  /** As in the shaded jar: the samples are read from inside the jar, not from the file system. */
  @Test
  void samplesAreReadFromInsideAJar(@TempDir Path temp) throws Exception {
    Path jar = temp.resolve("dps-operator.jar");
    Path samples = Path.of("deploy/samples");
    try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar));
        var files = java.nio.file.Files.list(samples)) {
      out.putNextEntry(new java.util.jar.JarEntry("io/dpsoperator/demo/samples/"));
      for (Path file : files.sorted().toList()) {
        out.putNextEntry(
            new java.util.jar.JarEntry("io/dpsoperator/demo/samples/" + file.getFileName()));
        out.write(java.nio.file.Files.readAllBytes(file));
      }
    }
    java.net.URL inJar = new java.net.URL("jar:" + jar.toUri() + "!/io/dpsoperator/demo/samples");
    KubernetesSerialization serialization = new KubernetesSerialization();

    assertThat(Samples.fromResource(inJar, serialization).objects())
        .isNotEmpty()
        .isEqualTo(Samples.load(samples, serialization).objects());
  }

  @Test
  void aMissingSamplesDirectoryIsAClearErrorNotAStackTrace(@TempDir Path elsewhere) {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));

    int status = commandLine.execute("demo", "--samples", elsewhere.resolve("nope").toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("--samples:")
        .contains("is not a directory")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  /** The test JVM's classpath, with absolute entries so that it works from another directory. */
  private static String classpath() {
    return String.join(
        File.pathSeparator,
        java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .toList());
  }
}
