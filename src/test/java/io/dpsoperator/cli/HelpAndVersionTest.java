package io.dpsoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.operator.OperatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the image can tell without the README: every setting with its default, and the version. */
class HelpAndVersionTest {

  @Test
  void runHelpListsEverySettingWithItsDefault() {
    String help = execute("run", "--help");
    String words = help.replaceAll("\\s+", " ");

    for (OperatorConfig.Setting setting : OperatorConfig.SETTINGS) {
      String value = setting.defaultValue().isEmpty() ? "none" : setting.defaultValue();
      assertThat(help)
          .as(setting.key())
          .contains("  " + setting.key() + "  (default: " + value + ")");
      assertThat(words).as(setting.key()).contains(setting.description().replaceAll("\\s+", " "));
    }
    assertThat(help).contains("--embedded-dps").doesNotContain("see README");
    // Wrapped by us, not by picocli: every line fits the terminal.
    assertThat(help.lines()).allMatch(line -> line.length() <= 80);
  }

  @Test
  void versionIsTheBuildsVersion() throws Exception {
    Matcher version =
        Pattern.compile("<artifactId>dps-operator</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(version.find()).isTrue();

    assertThat(BuildVersion.version()).isEqualTo(version.group(1));
    assertThat(execute("--version").strip()).isEqualTo("dps-operator " + version.group(1));
  }

  private static String execute(String... args) {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute(args)).isZero();
    return out.toString();
  }
}
