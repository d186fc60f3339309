package io.dpsoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code kubectl get} shows the columns in the order the resource classes declare them. */
class CrdPrinterColumnsTest {

  @ParameterizedTest
  @CsvSource({
    "individualenrollments.dpsoperator.io-v1.yml, IndividualEnrollment",
    "enrollmentgroups.dpsoperator.io-v1.yml, EnrollmentGroup",
    "dpsconnections.dpsoperator.io-v1.yml, DpsConnection",
    "clusterdpsconnections.dpsoperator.io-v1.yml, ClusterDpsConnection"
  })
  void columnsFollowTheDeclaredOrder(String file, String kind) throws Exception {
    Class<?> resource =
        switch (kind) {
          case "IndividualEnrollment" -> IndividualEnrollment.class;
          case "EnrollmentGroup" -> EnrollmentGroup.class;
          case "DpsConnection" -> io.dpsoperator.api.v1alpha1.DpsConnection.class;
          default -> io.dpsoperator.api.v1alpha1.ClusterDpsConnection.class;
        };
    CustomResourceDefinition crd =
        new KubernetesSerialization()
            .unmarshal(Files.readString(Path.of("crds", file)), CustomResourceDefinition.class);
    List<String> names =
        crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
            .map(CustomResourceColumnDefinition::getName)
            .toList();
    assertThat(names).isEqualTo(CrdPrinterColumns.declaredOrder(resource));
    assertThat(names.get(names.size() - 1)).isEqualTo("Age");
  }

  @ParameterizedTest
  @CsvSource({"b, a", "a, b"})
  void reorderKeepsEverythingElse(String first, String second) {
    String yaml =
        "x: 1\n  - additionalPrinterColumns:\n"
            + item(first)
            + item(second)
            + "    name: \"v1alpha1\"\n";
    String reordered = CrdPrinterColumns.reorder(yaml, List.of("a", "b"));
    assertThat(reordered)
        .isEqualTo(
            "x: 1\n  - additionalPrinterColumns:\n"
                + item("a")
                + item("b")
                + "    name: \"v1alpha1\"\n");
  }

  private static String item(String name) {
    return "    - jsonPath: \".spec."
        + name
        + "\"\n      name: \""
        + name
        + "\"\n      priority: 0\n      type: \"string\"\n";
  }
}
