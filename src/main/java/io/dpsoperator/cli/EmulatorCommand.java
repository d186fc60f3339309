package io.dpsoperator.cli;

import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.EmulatorRight;
import io.dpsoperator.emulator.EntraRole;
import io.dpsoperator.emulator.Faults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dps-operator emulator}: runs the DPS emulator until SIGTERM or Ctrl-C. */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description =
        "Runs a DPS-compatible server: the service API and the device registration API over HTTPS,"
            + " the device registration API over MQTT, AMQP and both over WebSockets.")
public final class EmulatorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description =
          "HTTPS port of both APIs and of MQTT and AMQP over WebSockets, 0 = free port (default:"
              + " ${DEFAULT-VALUE}, the port the device SDKs' WebSocket transports use; below 1024"
              + " it needs root or CAP_NET_BIND_SERVICE, or pass e.g. --port 8443).",
      defaultValue = "443")
  int port;

  @Option(
      names = "--mqtt-port",
      description =
          "MQTT (3.1.1 over TLS) port of the device API, -1 = off, 0 = free port (default:"
              + " ${DEFAULT-VALUE}, the port the device SDKs use). MQTT over WebSockets is served on"
              + " the HTTPS port.",
      defaultValue = "8883")
  int mqttPort;

  @Option(
      names = "--amqp-port",
      description =
          "AMQP (1.0 over TLS) port of the device API, -1 = off, 0 = free port (default:"
              + " ${DEFAULT-VALUE}, the port the device SDKs use). AMQP over WebSockets is served on"
              + " the HTTPS port.",
      defaultValue = "5671")
  int amqpPort;

  @Option(
      names = "--bind",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(
      names = "--host-name",
      description =
          "Host name clients use (default: ${DEFAULT-VALUE}); added to the server certificate.",
      defaultValue = "localhost")
  String hostName;

  @Option(names = "--id-scope", description = "ID scope (default: generated 0ne........).")
  String idScope;

  @Option(
      names = "--hub",
      paramLabel = "HOST[=WEIGHT]",
      description = "Linked IoT hub, repeatable (default: " + DpsEmulator.DEFAULT_HUB + ").")
  List<String> hubs = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "NAME:KEY:RIGHTS",
      description =
          "Shared access policy, repeatable; RIGHTS comma-separated (EnrollmentRead,EnrollmentWrite,RegistrationStatusRead,RegistrationStatusWrite) or 'all'. Default: provisioningserviceowner with a generated key.")
  List<String> policies = new ArrayList<>();

  @Option(
      names = "--verified-ca",
      paramLabel = "NAME=PEMFILE",
      description = "CA certificate verified on the instance (for caReferences), repeatable.")
  List<String> verifiedCas = new ArrayList<>();

  @Option(names = "--tls-cert", description = "Server certificate PEM (chain allowed).")
  Path tlsCert;

  @Option(names = "--tls-key", description = "Server private key PEM.")
  Path tlsKey;

  @Option(
      names = "--cert-dir",
      description =
          "Directory for the generated CA and server certificate (default: <data-dir>/certs or a temporary directory).")
  Path certDir;

  @Option(names = "--data-dir", description = "Persist state here (default: in memory only).")
  Path dataDir;

  @Option(
      names = "--service-ops-per-minute",
      description =
          "Service API throttling, 0 = off (default: ${DEFAULT-VALUE}; a real S1 unit allows 1000).",
      defaultValue = "0")
  int serviceOpsPerMinute;

  @Option(
      names = "--registrations-per-minute",
      description = "Device registration throttling, 0 = off (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int registrationsPerMinute;

  @Option(
      names = "--registration-retry-after",
      description =
          "Retry-After seconds of register answers and assigning polls (default: ${DEFAULT-VALUE},"
              + " as a real DPS sends).",
      defaultValue = "3")
  int registrationRetryAfter;

  @Option(
      names = "--device-polls-per-10s",
      description =
          "Operation status polls per device in any 10 s before 429, 0 = off (default:"
              + " ${DEFAULT-VALUE}, the documented DPS limit).",
      defaultValue = "5")
  int devicePollsPer10s;

  @Option(
      names = "--fault-status",
      description = "Status of injected failures (default: ${DEFAULT-VALUE}).",
      defaultValue = "503")
  int faultStatus;

  @Option(
      names = "--fault-rate",
      description =
          "Share 0..1 of requests failing with --fault-status (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  double faultRate;

  @Option(
      names = "--fault-latency",
      description = "Added latency, e.g. 200ms, 2s, PT1S (default: none).")
  String faultLatency;

  @Option(
      names = "--fault-drop-rate",
      description = "Share 0..1 of connections dropped without answer (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  double faultDropRate;

  @Option(
      names = "--admin-port",
      description =
          "Loopback-only admin port for runtime faults, -1 = off, 0 = free port (default: ${DEFAULT-VALUE}).",
      defaultValue = "8444")
  int adminPort;

  @Option(
      names = "--entra-tenant",
      paramLabel = "TENANT",
      description =
          "Plays this Microsoft Entra ID tenant: token endpoint https://<host>/TENANT/oauth2/v2.0/token, OpenID configuration and keys, and Bearer tokens on the service API (default: none, SAS only).")
  String entraTenant;

  @Option(
      names = "--federated-credential",
      paramLabel = "CLIENT_ID,ISSUER,SUBJECT[,AUDIENCE]",
      description =
          "Federated identity credential of an app, repeatable: accepts service account tokens with this issuer and subject (e.g. system:serviceaccount:dps-operator:dps-operator); AUDIENCE defaults to api://AzureADTokenExchange.")
  List<String> federatedCredentials = new ArrayList<>();

  @Option(
      names = "--federated-issuer-key",
      paramLabel = "ISSUER=PEMFILE",
      description =
          "Public key (PUBLIC KEY or CERTIFICATE PEM) that signs an issuer's service account tokens, repeatable.")
  List<String> federatedIssuerKeys = new ArrayList<>();

  @Option(
      names = "--role",
      paramLabel = "CLIENT_ID=ROLE",
      description =
          "Assigns Reader (Device Provisioning Service Data Reader) or Contributor (Data Contributor) to an app, repeatable.")
  List<String> roles = new ArrayList<>();

  @Option(
      names = "--entra-token-lifetime",
      description = "Lifetime of issued access tokens, e.g. 1h, 90s (default: 1h).")
  String entraTokenLifetime;

  @Override
  public Integer call() throws Exception {
    DpsEmulator.Builder b =
        DpsEmulator.builder()
            .port(port)
            .mqttPort(mqttPort)
            .amqpPort(amqpPort)
            .bindAddress(bind)
            .hostName(hostName)
            .serviceOperationsPerMinute(serviceOpsPerMinute)
            .registrationsPerMinute(registrationsPerMinute)
            .registrationRetryAfter(Duration.ofSeconds(Math.max(0, registrationRetryAfter)))
            .pollsPerDevicePer10Seconds(devicePollsPer10s)
            .adminPort(adminPort);
    try {
      if (idScope != null) {
        b.idScope(idScope);
      }
      for (String hub : hubs) {
        int eq = hub.indexOf('=');
        b.linkedHub(
            eq < 0 ? hub : hub.substring(0, eq),
            eq < 0 ? 1 : Integer.parseInt(hub.substring(eq + 1)));
      }
      for (String p : policies) {
        String[] parts = p.split(":", 3);
        if (parts.length != 3) {
          throw new IllegalArgumentException("--policy needs NAME:KEY:RIGHTS, got " + p);
        }
        b.policy(parts[0], parts[1], EmulatorRight.parse(parts[2]));
      }
      for (String ca : verifiedCas) {
        int eq = ca.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--verified-ca needs NAME=PEMFILE, got " + ca);
        }
        b.verifiedCa(ca.substring(0, eq), Files.readString(Path.of(ca.substring(eq + 1))));
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      if (tlsCert != null) {
        b.tls(Files.readString(tlsCert), Files.readString(tlsKey));
      }
      configureEntra(b);
      b.certificateDirectory(certDir).dataDirectory(dataDir);
      b.faults(
          new Faults.Settings(
              faultStatus,
              faultRate,
              faultLatency == null ? Duration.ZERO : parseDuration(faultLatency),
              faultDropRate));
    } catch (IllegalArgumentException | IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }

    DpsEmulator emulator = b.build();
    try {
      emulator.start();
    } catch (java.io.UncheckedIOException e) {
      emulator.close();
      // No stack trace for the common case of a port that is taken or privileged.
      spec.commandLine()
          .getErr()
          .println(
              e.getCause().getMessage()
                  + ". Choose other ports with --port, --mqtt-port and --amqp-port (the device"
                  + " SDKs use 443, 8883 and 5671; ports below 1024 need root or"
                  + " CAP_NET_BIND_SERVICE).");
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  emulator.close();
                  stopped.countDown();
                },
                "dps-emulator-shutdown"));
    PrintStream out = System.out;
    out.println("DPS emulator listening on https://" + emulator.hostName());
    out.println("Service connection string: " + emulator.serviceConnectionString());
    out.println("Device endpoint:           " + emulator.deviceEndpoint());
    if (emulator.mqttPort() >= 0) {
      out.println(
          "MQTT:                      mqtts://"
              + emulator.hostName().replaceFirst(":\\d+$", "")
              + ":"
              + emulator.mqttPort()
              + " (MQTT over WebSockets: wss://"
              + emulator.hostName()
              + "/mqtt)");
    }
    if (emulator.amqpPort() >= 0) {
      out.println(
          "AMQP:                      amqps://"
              + emulator.hostName().replaceFirst(":\\d+$", "")
              + ":"
              + emulator.amqpPort()
              + " (AMQP over WebSockets: wss://"
              + emulator.hostName()
              + "/$iothub/websocket)");
    }
    out.println("ID scope:                  " + emulator.idScope());
    out.println("CA certificate file:       " + emulator.caCertificateFile());
    out.println("Linked hubs:               " + String.join(", ", emulator.linkedHubs()));
    if (emulator.entraTenant() != null) {
      out.println("Entra ID authority host:   " + emulator.authorityHost());
      out.println("Entra ID tenant:           " + emulator.entraTenant());
    }
    if (emulator.adminPort() >= 0) {
      out.println(
          "Admin (faults):            http://127.0.0.1:" + emulator.adminPort() + "/admin/faults");
    }
    out.flush();
    stopped.await();
    return 0;
  }

  /** Applies the Entra ID options; throws IllegalArgumentException naming the bad one. */
  void configureEntra(DpsEmulator.Builder b) throws IOException {
    if (entraTenant != null) {
      b.entraTenant(entraTenant);
    }
    for (String fc : federatedCredentials) {
      String[] parts = fc.split(",", -1);
      if (parts.length < 3 || parts.length > 4) {
        throw new IllegalArgumentException(
            "--federated-credential needs CLIENT_ID,ISSUER,SUBJECT[,AUDIENCE], got " + fc);
      }
      b.federatedCredential(
          parts[0].trim(),
          parts[1].trim(),
          parts[2].trim(),
          parts.length == 4 ? parts[3].trim() : "api://AzureADTokenExchange");
    }
    for (String key : federatedIssuerKeys) {
      int eq = key.lastIndexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException(
            "--federated-issuer-key needs ISSUER=PEMFILE, got " + key);
      }
      b.federatedIssuerKeyPem(
          key.substring(0, eq), Files.readString(Path.of(key.substring(eq + 1))));
    }
    for (String role : roles) {
      int eq = role.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--role needs CLIENT_ID=ROLE, got " + role);
      }
      b.entraRole(role.substring(0, eq).trim(), EntraRole.parse(role.substring(eq + 1)));
    }
    if (entraTokenLifetime != null) {
      b.entraTokenLifetime(parseDuration(entraTokenLifetime));
    }
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis(
          (long) (Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
    }
    if (t.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()) * 60);
    }
    if (t.endsWith("h")) {
      return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1).trim()));
    }
    return Duration.ofMillis(Long.parseLong(t));
  }
}
