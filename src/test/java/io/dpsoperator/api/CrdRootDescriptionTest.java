package io.dpsoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl explain <kind>} shows a description at the root of the schema: every version of
 * every generated CRD has one, the resource class's {@link JsonClassDescription}.
 */
class CrdRootDescriptionTest {

  static Stream<Path> crds() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target/classes/META-INF/fabric8"))) {
      return files.filter(f -> f.toString().endsWith(".dpsoperator.io-v1.yml")).toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void everyVersionHasTheClassDescriptionAtItsRoot(Path file) throws Exception {
    CustomResourceDefinition crd =
        new KubernetesSerialization()
            .unmarshal(Files.readString(file), CustomResourceDefinition.class);
    Class<?> resource =
        Class.forName("io.dpsoperator.api.v1alpha1." + crd.getSpec().getNames().getKind());
    String expected = resource.getAnnotation(JsonClassDescription.class).value();

    assertThat(expected).isNotBlank();
    assertThat(crd.getSpec().getVersions())
        .isNotEmpty()
        .allSatisfy(
            v ->
                assertThat(v.getSchema().getOpenAPIV3Schema().getDescription())
                    .isEqualTo(expected));
    // The fields keep theirs.
    assertThat(
            crd.getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getDescription())
        .isNotBlank();
  }

  @org.junit.jupiter.api.Test
  void descriptionIsEscapedAndInsertedOncePerVersion() {
    String yaml =
        "  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties: {}\n"
            + "  - name: v2\n    schema:\n      openAPIV3Schema:\n        properties: {}\n";

    String once = CrdPrinterColumns.withRootDescription(yaml, "A \"quoted\" \\ thing");
    String twice = CrdPrinterColumns.withRootDescription(once, "A \"quoted\" \\ thing");

    assertThat(twice).isEqualTo(once);
    CustomResourceDefinition crd =
        new KubernetesSerialization()
            .unmarshal(
                "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n"
                    + once,
                CustomResourceDefinition.class);
    assertThat(crd.getSpec().getVersions())
        .extracting(v -> v.getSchema().getOpenAPIV3Schema().getDescription())
        .containsExactly("A \"quoted\" \\ thing", "A \"quoted\" \\ thing");
  }
}
