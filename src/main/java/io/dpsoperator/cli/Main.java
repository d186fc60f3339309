package io.dpsoperator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The dps-operator command line: one entry point for the operator, the emulator and the demo. */
@Command(
    name = "dps-operator",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
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

  /** The command line, with what help prints that annotations cannot hold. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine
        .getSubcommands()
        .get("run")
        .getCommandSpec()
        .usageMessage()
        .footer(RunCommand.settingsHelp());
    return commandLine;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
