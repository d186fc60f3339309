package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs committed under crds/ and in the Helm chart are exactly what the build generates. */
class CrdsUpToDateTest {

  static Stream<Arguments> committedCopies() {
    return Crds.COMMITTED_DIRS.stream()
        .flatMap(dir -> Crds.FILES.stream().map(file -> Arguments.of(dir.resolve(file), file)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("committedCopies")
  void committedCopyMatchesGenerated(Path committed, String file) throws IOException {
    assertThat(committed)
        .withFailMessage(
            "%s is missing; generate it from the Java model with: %s",
            committed, Crds.REFRESH_COMMAND)
        .exists();
    assertThat(Files.readString(committed))
        .withFailMessage(
            "%s differs from the CRD generated from the Java model"
                + " (target/classes/META-INF/fabric8/%s); refresh the committed copies with: %s",
            committed, file, Crds.REFRESH_COMMAND)
        .isEqualTo(Crds.generatedText(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("committedCopies")
  void noStrayCrdFiles(Path committed, String file) throws IOException {
    try (Stream<Path> files = Files.list(committed.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .withFailMessage("%s holds files the generator does not produce", committed.getParent())
          .allMatch(
              name ->
                  Crds.FILES.contains(name)
                      // The top-level directory is also a kustomization (deploy/base uses it).
                      || (name.equals("kustomization.yaml")
                          && committed.getParent().equals(Path.of("crds"))));
    }
  }
}
