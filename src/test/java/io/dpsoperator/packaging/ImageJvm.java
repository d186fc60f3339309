package io.dpsoperator.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JVM settings the image gives the operator, read from the Dockerfile's {@code ENV} lines. */
public final class ImageJvm {
  private static final Path DOCKERFILE = Path.of("Dockerfile");

  private ImageJvm() {}

  /** The image's {@code JDK_JAVA_OPTIONS}, one option per element. */
  public static List<String> options() {
    String value = env().get("JDK_JAVA_OPTIONS");
    if (value == null) {
      throw new IllegalStateException("the Dockerfile sets no JDK_JAVA_OPTIONS");
    }
    return List.of(value.split(" "));
  }

  /** Every {@code ENV name="value"} of the Dockerfile, in order. */
  public static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(DOCKERFILE.toAbsolutePath())) {
        String l = line.strip();
        if (!l.startsWith("ENV ")) {
          continue;
        }
        String assignment = l.substring("ENV ".length());
        int eq = assignment.indexOf('=');
        if (eq < 0) {
          throw new IllegalStateException("an ENV line without '=': " + l);
        }
        String value = assignment.substring(eq + 1);
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
          value = value.substring(1, value.length() - 1);
        }
        if (env.put(assignment.substring(0, eq), value) != null) {
          throw new IllegalStateException(
              "the Dockerfile sets " + assignment.substring(0, eq) + " twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return env;
  }
}
