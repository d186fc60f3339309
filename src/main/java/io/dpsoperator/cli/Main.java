package io.dpsoperator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The dps-operator command line: one entry point for the operator, the emulator and the demo. */
@Command(
    name = "dps-operator",
    mixinStandardHelpOptions = true,
    version = "dps-operator 0.1.0",
    description = "Azure IoT Hub DPS enrollments as Kubernetes resources.",
    subcommands = {
      RunCommand.class,
      EmulatorCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
