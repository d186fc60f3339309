package io.dpsoperator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first command, run headless: it must keep working. */
class DemoTest {

  @Test
  void everySampleBecomesReadyAndEverySimulatedDeviceIsAssigned() throws Exception {
    Path samples = Path.of("deploy/samples");
    long resources =
        Samples.load(samples, new KubernetesSerialization()).objects().stream()
            .filter(o -> List.of("IndividualEnrollment", "EnrollmentGroup").contains(o.getKind()))
            .count();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Demo demo =
            new Demo(new Demo.Options(samples, false, Duration.ofSeconds(120), false, out))) {
      status = demo.run();
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output)
        .contains("RESULT: OK")
        .contains("resources Ready:  " + resources + "/" + resources)
        .containsPattern("devices assigned: (\\d+)/\\1")
        .contains("(symmetric key)")
        .contains("(key derived from the group key)")
        .contains("(X.509 mutual TLS)")
        .doesNotContain("not Ready");
    // The summary never prints key material from the samples.
    assertThat(output).doesNotContain("5Qrla5qpI7DDWauM3m+XwWfLUg9kRXpVAz0BW6tey1E=");
  }
}
