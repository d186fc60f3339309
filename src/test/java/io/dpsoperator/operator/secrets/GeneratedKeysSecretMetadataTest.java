package io.dpsoperator.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The generated Secret's metadata: the template's, with the operator's own always winning. */
class GeneratedKeysSecretMetadataTest {

  @Provide
  Arbitrary<Map<String, String>> template() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
            Arbitraries.of(
                "dpsoperator.io/owner",
                "dpsoperator.io/owner-uid",
                "dpsoperator.io/owner-kind",
                "dpsoperator.io/controller-class",
                "app.kubernetes.io/managed-by",
                "example.com/team"));
    return Arbitraries.maps(keys, Arbitraries.strings().alpha().ofMaxLength(8)).ofMaxSize(6);
  }

  @Property
  void theOperatorsOwnMetadataWinsAndTheRestOfTheTemplateIsKept(
      @ForAll("template") Map<String, String> labels,
      @ForAll("template") Map<String, String> annotations,
      @ForAll boolean withClass) {
    EnrollmentGroup owner = new EnrollmentGroup();
    owner.setMetadata(
        new ObjectMetaBuilder().withNamespace("ns").withName("fleet").withUid("u-1").build());

    GeneratedKeysSecret.Metadata m =
        GeneratedKeysSecret.Metadata.of(owner, labels, annotations, withClass ? "canary" : "");

    assertThat(m.labels())
        .containsEntry("app.kubernetes.io/managed-by", "dps-operator")
        .containsEntry("dpsoperator.io/owner-kind", "EnrollmentGroup");
    if (withClass) {
      assertThat(m.labels()).containsEntry("dpsoperator.io/controller-class", "canary");
    } else {
      assertThat(m.labels()).doesNotContainKey("dpsoperator.io/controller-class");
    }
    assertThat(m.annotations())
        .containsEntry("dpsoperator.io/owner", "EnrollmentGroup/ns/fleet")
        .containsEntry("dpsoperator.io/owner-uid", "u-1");
    labels.forEach(
        (k, v) -> {
          if (!k.startsWith("dpsoperator.io/") && !k.equals("app.kubernetes.io/managed-by")) {
            assertThat(m.labels()).containsEntry(k, v);
          }
        });
    annotations.forEach(
        (k, v) -> {
          if (!k.startsWith("dpsoperator.io/")) {
            assertThat(m.annotations()).containsEntry(k, v);
          }
        });
  }
}
