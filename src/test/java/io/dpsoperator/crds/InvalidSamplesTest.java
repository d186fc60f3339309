package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Objects in src/test/resources/crds/invalid are refused with exactly the messages listed in their
 * {@code # expect:} comments (the API server's {@code path: message} shape).
 */
class InvalidSamplesTest {
  static final Path INVALID = Path.of("src/test/resources/crds/invalid");

  static Stream<Path> invalidSamples() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSamples")
  void refusedWithTheExpectedMessages(Path sample) throws IOException {
    List<String> expected =
        Files.readAllLines(sample).stream()
            .filter(l -> l.startsWith("# expect: "))
            .map(l -> l.substring("# expect: ".length()).trim())
            .toList();
    assertThat(expected).as("# expect: lines in %s", sample).isNotEmpty();
    List<Map<String, Object>> docs = Crds.readAll(sample);
    assertThat(docs).hasSize(1);
    Map<String, Object> object = docs.get(0);
    List<String> errors = CrdValidator.forKind((String) object.get("kind")).validate(object);
    assertThat(errors).containsExactlyInAnyOrderElementsOf(expected);
  }
}
