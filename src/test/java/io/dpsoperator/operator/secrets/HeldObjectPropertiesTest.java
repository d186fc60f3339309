package io.dpsoperator.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What a held Secret or ConfigMap gives back is what the API server sent, less what no reader
 * needs.
 */
class HeldObjectPropertiesTest {

  @Property
  void aHeldSecretGivesBackItsDataTypeLabelsAnnotationsAndOwners(
      @ForAll("maps") Map<String, String> data,
      @ForAll("maps") Map<String, String> labels,
      @ForAll("maps") Map<String, String> annotations,
      @ForAll boolean owned,
      @ForAll boolean kubectlApplied) {
    Map<String, String> sentAnnotations = new HashMap<>(annotations);
    if (kubectlApplied) {
      sentAnnotations.put(HeldObject.LAST_APPLIED, "{\"data\":" + data + "}");
    }
    SecretBuilder sent =
        new SecretBuilder()
            .withNewMetadata()
            .withName("keys")
            .withNamespace("team-a")
            .withUid("0b8c9f7e-uid")
            .withResourceVersion("42")
            .withCreationTimestamp("2026-12-02T15:00:00Z")
            .withLabels(labels)
            .withAnnotations(sentAnnotations)
            .addNewManagedField()
            .withManager("kubectl")
            .endManagedField()
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(data);
    if (owned) {
      sent.editMetadata()
          .addToOwnerReferences(
              new OwnerReferenceBuilder()
                  .withApiVersion("dpsoperator.io/v1alpha1")
                  .withKind("IndividualEnrollment")
                  .withName("dev-1")
                  .withUid("owner-uid")
                  .withController(true)
                  .build())
          .endMetadata();
    }
    Secret secret = sent.build();

    HasMetadata back = HeldObject.of(secret).object(ObjectRef.secret("team-a", "keys"));

    assertThat(back).isInstanceOf(Secret.class);
    Secret s = (Secret) back;
    assertThat(orEmpty(s.getData())).isEqualTo(data);
    assertThat(s.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(s.getMetadata().getName()).isEqualTo("keys");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(s.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(orEmpty(s.getMetadata().getLabels())).isEqualTo(labels);
    assertThat(orEmpty(s.getMetadata().getAnnotations())).isEqualTo(annotations);
    assertThat(s.getMetadata().getOwnerReferences())
        .isEqualTo(secret.getMetadata().getOwnerReferences());
    assertThat(s.getMetadata().getManagedFields()).isEmpty();
    assertThat(s.getMetadata().getUid()).isNull();
  }

  @Property
  void aHeldSecretDecodesItsDataAndLeavesOutWhatIsNotBase64(
      @ForAll("maps") Map<String, String> plain) {
    Map<String, String> encoded = new HashMap<>();
    plain.forEach(
        (k, v) ->
            encoded.put(
                k,
                java.util.Base64.getEncoder()
                    .encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    // One base64 character cannot end a value: the decoder refuses it.
    encoded.put("not-base64!", "A");
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("keys")
            .withResourceVersion("1")
            .endMetadata()
            .withData(encoded)
            .build();

    assertThat(HeldObject.of(secret).decodedData()).isEqualTo(plain);
  }

  @Property
  void aHeldConfigMapGivesBackItsData(
      @ForAll("maps") Map<String, String> data, @ForAll("maps") Map<String, String> binary) {
    ConfigMap sent =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("tpm")
            .withNamespace("team-a")
            .withResourceVersion("7")
            .endMetadata()
            .withData(data)
            .withBinaryData(binary)
            .build();

    ConfigMap back = (ConfigMap) HeldObject.of(sent).object(ObjectRef.configMap("team-a", "tpm"));

    assertThat(orEmpty(back.getData())).isEqualTo(data);
    assertThat(orEmpty(back.getBinaryData())).isEqualTo(binary);
    assertThat(back.getMetadata().getResourceVersion()).isEqualTo("7");
  }

  @Provide
  Arbitrary<Map<String, String>> maps() {
    return Arbitraries.maps(
            Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars('.', '-', '/')
                .ofMinLength(1)
                .ofMaxLength(20),
            Arbitraries.strings().ofMaxLength(40))
        .ofMaxSize(5);
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
