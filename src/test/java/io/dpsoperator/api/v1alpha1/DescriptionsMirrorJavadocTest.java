package io.dpsoperator.api.v1alpha1;

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
 * Every {@code @JsonPropertyDescription} and {@code @JsonClassDescription} of the model (which
 * becomes the CRD description and {@code kubectl explain}) says the same as the Javadoc above it,
 * and every field of a spec or status class has one.
 */
class DescriptionsMirrorJavadocTest {
  private static final Path MODEL = Path.of("src/main/java/io/dpsoperator/api/v1alpha1");

  /** A Javadoc comment, the annotations after it, and the description literal among them. */
  private static final Pattern DOCUMENTED =
      Pattern.compile(
          "/\\*\\*(?<doc>(?:(?!\\*/).)*)\\*/\\s*(?<anns>(?:@\\w+(?:\\((?:[^()]|\\([^()]*\\))*\\))?\\s*)*)",
          Pattern.DOTALL);

  private static final Pattern DESCRIPTION =
      Pattern.compile("@Json(?:Property|Class)Description\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)");

  private static final Pattern FIELD =
      Pattern.compile("\\n  private (?!static)[\\w<>, ]+ (\\w+)( = [^;]+)?;");

  @Test
  void descriptionsRepeatTheJavadoc() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (Path file : sources()) {
      String source = Files.readString(file);
      Matcher m = DOCUMENTED.matcher(source);
      while (m.find()) {
        Matcher d = DESCRIPTION.matcher(m.group("anns"));
        if (!d.find()) {
          continue;
        }
        checked++;
        String javadoc = normalize(m.group("doc"));
        String description = d.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        if (!javadoc.equals(description)) {
          mismatches.add(
              file.getFileName()
                  + ":\n  javadoc:     "
                  + javadoc
                  + "\n  description: "
                  + description);
        }
      }
    }
    assertThat(checked).isGreaterThan(50);
    assertThat(mismatches).as("descriptions that differ from their Javadoc").isEmpty();
  }

  @Test
  void everyModelFieldHasADescription() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path file : sources()) {
      String source = Files.readString(file);
      Matcher f = FIELD.matcher(source);
      int previousEnd = 0;
      while (f.find()) {
        String before = source.substring(previousEnd, f.start());
        if (!before.contains("@JsonPropertyDescription")) {
          missing.add(file.getFileName() + "#" + f.group(1));
        }
        previousEnd = f.end();
      }
    }
    assertThat(missing).as("fields without @JsonPropertyDescription").isEmpty();
  }

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.list(MODEL)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** The Javadoc text as one line: leading stars and line breaks gone, {@code x} as x. */
  private static String normalize(String doc) {
    return doc.replaceAll("(?m)^\\s*\\*\\s?", " ")
        .replaceAll("\\{@(?:code|link) ([^}]*)}", "$1")
        .replaceAll("\\s+", " ")
        .trim();
  }
}
