package io.dpsoperator.cli;

import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.operator.DpsOperator;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.ProcessMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: operates the cluster of the current kubeconfig or in-cluster configuration. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the operator against the cluster of the current kubeconfig (or in-cluster config).",
      "Configuration comes from the DPS_OPERATOR_* environment variables listed below."
    })
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--embedded-dps",
      description =
          "Start the built-in DPS emulator beside the operator and use it as the default DPS"
              + " (same as DPS_OPERATOR_EMBEDDED_DPS=true).")
  boolean embeddedDps;

  @Option(
      names = "--emulator-port",
      defaultValue = "8443",
      description = "Port of the embedded DPS emulator (default ${DEFAULT-VALUE}).")
  int emulatorPort;

  @Option(
      names = "--emulator-hub",
      paramLabel = "HOST[=WEIGHT]",
      description =
          "An IoT hub linked to the embedded emulator (repeatable; default"
              + " emulated-hub.azure-devices.net).")
  List<String> emulatorHubs = new ArrayList<>();

  /**
   * The embedded emulator's ID scope and device endpoint; and, unless set, a short registration
   * state interval, since a try-out has few enrollments and wants to see its devices' hubs.
   */
  private static Map<String, String> embeddedOverrides(
      Map<String, String> env, DpsEmulator emulator) {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("DPS_OPERATOR_ID_SCOPE", emulator.idScope());
    overrides.put("DPS_OPERATOR_DEVICE_ENDPOINT", emulator.deviceEndpoint());
    if (!env.containsKey("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL")) {
      overrides.put("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "15s");
    }
    return overrides;
  }

  /**
   * The settings section of {@code run --help}: every {@link OperatorConfig#SETTINGS} key with its
   * default and description (the README is not in the image).
   */
  static String[] settingsHelp() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Settings (environment variables):");
    for (OperatorConfig.Setting setting : OperatorConfig.SETTINGS) {
      String value = setting.defaultValue().isEmpty() ? "none" : setting.defaultValue();
      lines.add("  " + setting.key() + "  (default: " + escape(value) + ")");
      lines.addAll(wrap(escape(setting.description()), "      ", 78));
    }
    return lines.toArray(String[]::new);
  }

  /** Words of {@code text} in lines of at most {@code width} columns, each after {@code indent}. */
  private static List<String> wrap(String text, String indent, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split("\\s+")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Picocli formats help text: a literal % is %%. */
  private static String escape(String text) {
    return text.replace("%", "%%");
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (embeddedDps) {
      env.put("DPS_OPERATOR_EMBEDDED_DPS", "true");
    }
    OperatorConfig config = OperatorConfig.fromEnv(env);
    LogSetup.apply(config.logLevel(), config.logFormat());
    Running running =
        start(env, new KubernetesClientBuilder().build(), emulatorPort, emulatorHubs, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "shutdown"));
    LOG.atInfo()
        .addKeyValue("version", BuildVersion.version())
        .addKeyValue("httpPort", running.config().httpPort())
        .log("Running dps-operator");
    stopped.await();
    return 0;
  }

  /** A running operator, with the embedded emulator when asked for. */
  public record Running(
      OperatorConfig config,
      DpsOperator operator,
      Optional<DpsEmulator> emulator,
      KubernetesClient kubernetes)
      implements AutoCloseable {
    @Override
    public void close() {
      operator.close();
      emulator.ifPresent(DpsEmulator::close);
      kubernetes.close();
    }
  }

  /** Starts what {@code run} runs; {@code emulatorPort} 0 picks a free port. */
  public static Running start(
      Map<String, String> env,
      KubernetesClient kubernetes,
      int emulatorPort,
      List<String> emulatorHubs,
      PrintStream out) {
    OperatorConfig config = OperatorConfig.fromEnv(env);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics.bindTo(meters);
    DpsOperator.Wiring wiring = DpsOperator.Wiring.of(kubernetes, meters);
    DpsEmulator emulator = null;
    if (config.embeddedDps()) {
      DpsEmulator.Builder builder =
          DpsEmulator.builder()
              .port(emulatorPort)
              .bindAddress("127.0.0.1")
              // The embedded DPS serves the operator (service API) and HTTPS devices only.
              .mqttPort(-1)
              .amqpPort(-1);
      for (String hub : emulatorHubs) {
        String[] parts = hub.split("=", 2);
        builder.linkedHub(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
      }
      emulator = builder.build();
      emulator.start();
      wiring =
          wiring
              .withDefaultConnectionString(emulator.serviceConnectionString())
              .withExtraCaPem(emulator.caCertificatePem());
      config = OperatorConfig.fromEnv(env, embeddedOverrides(env, emulator));
      out.println("Embedded DPS emulator (the operator's default DPS):");
      out.println(
          "  service connection string: in "
              + writePrivately(
                  emulator.caCertificateFile().resolveSibling("service-connection-string"),
                  emulator.serviceConnectionString())
              + " (readable by this user only; it holds the policy key)");
      out.println("  device endpoint:           " + emulator.deviceEndpoint());
      out.println("  ID scope:                  " + emulator.idScope());
      out.println("  CA certificate:            " + emulator.caCertificateFile());
    }
    return new Running(
        config, DpsOperator.start(config, wiring), Optional.ofNullable(emulator), kubernetes);
  }

  private static java.nio.file.Path writePrivately(java.nio.file.Path file, String content) {
    try {
      java.nio.file.Files.deleteIfExists(file);
      java.nio.file.Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      java.nio.file.Files.writeString(file, content + System.lineSeparator());
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write " + file, e);
    }
  }
}
