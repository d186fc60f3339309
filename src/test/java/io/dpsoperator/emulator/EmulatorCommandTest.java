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
            "--admin-port",
            "--entra-tenant",
            "--federated-credential",
            "--federated-issuer-key",
            "--role",
            "--entra-token-lifetime");
  }

  @Test
  void listensOnTheDeviceSdksPortsByDefault() {
    CommandLine cli = new CommandLine(new Main());
    CommandLine emulator = cli.getSubcommands().get("emulator");
    assertThat(emulator.getCommandSpec().findOption("--port").defaultValue()).isEqualTo("443");
    assertThat(emulator.getCommandSpec().findOption("--mqtt-port").defaultValue())
        .isEqualTo("8883");
    assertThat(emulator.getCommandSpec().findOption("--amqp-port").defaultValue())
        .isEqualTo("5671");
  }

  @Test
  void aPortItCannotListenOnIsAClearErrorNotAStackTrace() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new Main());
      cli.setErr(new PrintWriter(err));
      int code =
          cli.execute(
              "emulator",
              "--port",
              String.valueOf(taken.getLocalPort()),
              "--mqtt-port",
              "-1",
              "--amqp-port",
              "-1",
              "--admin-port",
              "-1");
      assertThat(code).isEqualTo(2);
      assertThat(err.toString())
          .contains("Could not listen for HTTPS on 127.0.0.1:" + taken.getLocalPort())
          .contains("--port")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void entraRolesParseByShortAndAzureName() {
    assertThat(EntraRole.parse("reader")).isEqualTo(EntraRole.DATA_READER);
    assertThat(EntraRole.parse("Contributor")).isEqualTo(EntraRole.DATA_CONTRIBUTOR);
    assertThat(EntraRole.parse("Device Provisioning Service Data Reader"))
        .isEqualTo(EntraRole.DATA_READER);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EntraRole.parse("Owner"))
        .hasMessageContaining("Reader, Contributor");
  }

  @Test
  void aMalformedFederatedCredentialIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "emulator",
            "--port",
            "0",
            "--admin-port",
            "-1",
            "--entra-tenant",
            "contoso",
            "--federated-credential",
            "only-a-client-id");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("--federated-credential needs CLIENT_ID,ISSUER,SUBJECT");
  }

  @Test
  void rightsParse() {
    assertThat(EmulatorRight.parse("EnrollmentRead, RegistrationStatusWrite"))
        .containsExactlyInAnyOrder(
            EmulatorRight.ENROLLMENT_READ, EmulatorRight.REGISTRATION_STATUS_WRITE);
    assertThat(EmulatorRight.parse("all")).hasSize(4);
  }
}
