package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EmulatorCommandTest {

  @Test
  void emulatorSubcommandIsRegisteredWithItsOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("emulator", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--port",
            "--mqtt-port",
            "--amqp-port",
            "--bind",
            "--id-scope",
            "--hub",
            "--policy",
            "--verified-ca",
            "--tls-cert",
            "--tls-key",
            "--cert-dir",
            "--data-dir",
            "--service-ops-per-minute",
            "--registrations-per-minute",
            "--registration-retry-after",
            "--device-polls-per-10s",
            "--fault-status",
            "--fault-rate",
            "--fault-latency",
            "--admin-port");
  }

  @Test
  void rightsParse() {
    assertThat(EmulatorRight.parse("EnrollmentRead, RegistrationStatusWrite"))
        .containsExactlyInAnyOrder(
            EmulatorRight.ENROLLMENT_READ, EmulatorRight.REGISTRATION_STATUS_WRITE);
    assertThat(EmulatorRight.parse("all")).hasSize(4);
  }
}
