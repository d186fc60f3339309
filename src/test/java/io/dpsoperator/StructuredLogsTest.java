package io.dpsoperator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Log details are SLF4J key-value pairs ({@code LOG.atInfo().addKeyValue("id", id).log(...)}), so
 * JSON logs carry them as fields. No logger call may put {@code key={}} in its message text.
 */
class StructuredLogsTest {
  private static final Path MAIN = Path.of("src/main/java");

  /** A logger call: the level method and its opening parenthesis. */
  private static final Pattern CALL =
      Pattern.compile("\\bLOG\\s*\\.\\s*(trace|debug|info|warn|error|log)\\s*\\(");

  /** The first argument: one string literal, or several joined with {@code +}. */
  private static final Pattern FORMAT =
      Pattern.compile(
          "\\G\\s*\"((?:[^\"\\\\]|\\\\.)*)\"(?:\\s*\\+\\s*\"((?:[^\"\\\\]|\\\\.)*)\")*");

  /** {@code key={}} or {@code key=\"{}\"} (any text around the placeholder). */
  private static final Pattern KEY_VALUE = Pattern.compile("\\w+=\\S*\\{}");

  @Test
  void loggerCallsPutDetailsInKeyValuePairsNotInTheMessage() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        offenders.addAll(offenders(file, Files.readString(file)));
      }
    }
    assertThat(offenders)
        .as("logger calls with key={} in the message; use addKeyValue(...) instead")
        .isEmpty();
  }

  @Test
  void detectsOffendersOnOneLineAndAcrossLines() {
    String source =
        """
        class A {
          void f() {
            LOG.info("Created enrollment id={}", id);
            LOG.warn(
                "Failed request path={}"
                    + " trackingId={}", path, trackingId, e);
            LOG.atInfo().addKeyValue("id", id).log("Created enrollment");
            LOG.debug("Opened {}", what);
          }
        }
        """;
    assertThat(offenders(Path.of("A.java"), source)).containsExactly("A.java:3", "A.java:4");
  }

  static List<String> offenders(Path file, String source) {
    List<String> found = new ArrayList<>();
    Matcher call = CALL.matcher(source);
    while (call.find()) {
      Matcher format = FORMAT.matcher(source);
      if (!format.find(call.end()) || format.start() != call.end()) {
        continue;
      }
      String literal = format.group().replaceAll("\"\\s*\\+\\s*\"", "");
      if (KEY_VALUE.matcher(literal).find()) {
        found.add(file + ":" + line(source, call.start()));
      }
    }
    return found;
  }

  private static int line(String source, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (source.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
