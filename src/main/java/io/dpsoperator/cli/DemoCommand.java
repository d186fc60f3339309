package io.dpsoperator.cli;

import io.dpsoperator.demo.Demo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole product in one process, on embedded defaults. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the DPS emulator, an embedded Kubernetes API and the operator in one process, apply"
          + " the samples (deploy/samples/, built into the jar) and play devices against the"
          + " emulator. Runs from any directory.",
      "Exits 0 when every sample became Ready and every simulated device was assigned."
    })
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--samples",
      paramLabel = "DIR",
      description = "Directory of sample manifests to apply instead of the built-in ones.")
  Path samples;

  @Option(names = "--keep-running", description = "Keep everything up after the summary.")
  boolean keepRunning;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description =
          "Seconds to wait for readiness and device assignment (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--plain", description = "Print plain lines instead of refreshing a table.")
  boolean plain;

  @Option(names = "--verbose", description = "Show the operator's and emulator's logs.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    try {
      Class.forName("io.fabric8.kubernetes.client.server.mock.KubernetesMockServer");
    } catch (ClassNotFoundException e) {
      System.err.println(
          "This jar was built for the operator image (-Poperator-image) and has no embedded"
              + " Kubernetes API; build it with: mvn -B -DskipTests package");
      return 2;
    }
    if (samples != null && !Files.isDirectory(samples)) {
      spec.commandLine()
          .getErr()
          .println(
              "--samples: "
                  + samples.toAbsolutePath()
                  + " is not a directory (leave it out to use the built-in samples)");
      return 2;
    }
    LogSetup.apply(verbose ? "INFO" : "WARN", "text");
    boolean live = !plain && System.console() != null && !"dumb".equals(System.getenv("TERM"));
    try (Demo demo =
        new Demo(
            new Demo.Options(
                samples, keepRunning, Duration.ofSeconds(timeoutSeconds), live, System.out))) {
      return demo.run();
    }
  }
}
