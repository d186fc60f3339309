package io.dpsoperator.api.v1alpha1.tolerant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.api.v1alpha1.AttestationType;
import io.dpsoperator.api.v1alpha1.DeletionPolicy;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Reading a spec the model cannot hold: never an exception, a precise problem, a lossless write.
 */
class TolerantSpecDeserializerTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static final String GOOD_INDIVIDUAL =
      """
      {"apiVersion":"dpsoperator.io/v1alpha1","kind":"IndividualEnrollment",
       "metadata":{"name":"dev-1","namespace":"ns"},
       "spec":{"registrationId":"dev-1","deviceId":"device-1","allocationPolicy":"hashed",
         "iotHubs":["hub-a.azure-devices.net","hub-b.azure-devices.net"],
         "deletionPolicy":"Orphan","provisioningStatus":"enabled",
         "attestation":{"type":"symmetricKey","symmetricKey":{"secretRef":{"name":"keys"}}},
         "reprovisionPolicy":{"updateHubAssignment":true,"migrateDeviceData":false},
         "initialTwin":{"tags":{"site":"a"}},
         "optionalDeviceInformation":{"model":"x"}},
       "status":{"observedGeneration":1,"etag":"abc"}}
      """;

  private static ObjectNode good() {
    return (ObjectNode) JSON.unmarshal(GOOD_INDIVIDUAL, JsonNode.class);
  }

  private static IndividualEnrollment readIndividual(JsonNode resource) {
    return JSON.unmarshal(JSON.asJson(resource), IndividualEnrollment.class);
  }

  private static IndividualEnrollment withSpec(String path, JsonNode value) {
    ObjectNode resource = good();
    put((ObjectNode) resource.get("spec"), path, value);
    return readIndividual(resource);
  }

  /** Sets a dotted path below {@code node}, creating objects on the way. */
  private static void put(ObjectNode node, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode at = node;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = at.get(parts[i]);
      if (!(next instanceof ObjectNode)) {
        next = at.putObject(parts[i]);
      }
      at = (ObjectNode) next;
    }
    at.set(parts[parts.length - 1], value);
  }

  @Test
  void aReadableSpecIsReadAsBefore() {
    IndividualEnrollment r = readIndividual(good());
    assertThat(r.getSpec().unreadable()).isEmpty();
    assertThat(r.getSpec().getClass().getSimpleName()).isEqualTo("IndividualEnrollmentSpec");
    assertThat(r.getSpec().getAttestation().getType()).isEqualTo(AttestationType.SYMMETRIC_KEY);
  }

  @Test
  void anUnknownAttestationTypeNamesFieldValueAndChoices() {
    IndividualEnrollment r =
        withSpec("attestation.type", JsonNodeFactory.instance.textNode("password"));
    assertThat(r.getSpec().unreadable())
        .hasValueSatisfying(
            u ->
                assertThat(u.describe())
                    .isEqualTo(
                        "spec.attestation.type is \"password\", expected one of symmetricKey, x509, tpm"));
    // What could be read is kept.
    assertThat(r.getSpec().getRegistrationId()).isEqualTo("dev-1");
    assertThat(r.getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.ORPHAN);
    assertThat(r.getSpec().getAttestation().getSymmetricKey().getSecretRef().getName())
        .isEqualTo("keys");
    assertThat(r.getStatus().getEtag()).isEqualTo("abc");
  }

  @Test
  void everyProblemIsNamedAndTheRestIsKept() {
    ObjectNode resource = good();
    ObjectNode spec = (ObjectNode) resource.get("spec");
    spec.put("allocationPolicy", "random");
    spec.put("reprovisionPolicy", "yes");
    IndividualEnrollment r = readIndividual(resource);
    assertThat(r.getSpec().unreadable().orElseThrow().problems())
        .extracting(UnreadableSpec.Problem::describe)
        .containsExactlyInAnyOrder(
            "spec.allocationPolicy is \"random\", expected one of hashed, geoLatency, static, custom",
            "spec.reprovisionPolicy is \"yes\", expected an object");
    assertThat(r.getSpec().getIotHubs()).hasSize(2);
    assertThat(r.getSpec().getAttestation().getType()).isEqualTo(AttestationType.SYMMETRIC_KEY);
  }

  @Test
  void aStringWhereTheAttestationObjectBelongs() {
    IndividualEnrollment r = withSpec("attestation", JsonNodeFactory.instance.textNode("oops"));
    assertThat(r.getSpec().unreadable().orElseThrow().describe())
        .isEqualTo("spec.attestation is \"oops\", expected an object");
  }

  @Test
  void aTpmGroupIsUnreadable() {
    String json =
        """
        {"apiVersion":"dpsoperator.io/v1alpha1","kind":"EnrollmentGroup",
         "metadata":{"name":"g","namespace":"ns"},
         "spec":{"attestation":{"type":"tpm","tpm":{"endorsementKey":"AToAAQAL"}}}}
        """;
    EnrollmentGroup g = JSON.unmarshal(json, EnrollmentGroup.class);
    assertThat(g.getSpec().unreadable().orElseThrow().describe())
        .isEqualTo("spec.attestation.type is \"tpm\", expected one of symmetricKey, x509");
    assertThat(JSON.unmarshal(JSON.asJson(g), JsonNode.class))
        .isEqualTo(JSON.unmarshal(json, JsonNode.class));
  }

  @Test
  void aSpecThatIsNotAnObject() {
    ObjectNode resource = good();
    resource.put("spec", 42);
    IndividualEnrollment r = readIndividual(resource);
    assertThat(r.getSpec().unreadable().orElseThrow().describe())
        .isEqualTo("spec is 42, expected an object");
    assertThat(JSON.unmarshal(JSON.asJson(r), JsonNode.class)).isEqualTo(resource);
  }

  @Test
  void valuesUnderKeyFieldsAreNeverShown() {
    String key = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LW11c3Qtbm90LWxlYWs=";
    IndividualEnrollment r =
        withSpec("attestation.symmetricKey", JsonNodeFactory.instance.textNode(key));
    String described = r.getSpec().unreadable().orElseThrow().describe();
    assertThat(described)
        .isEqualTo("spec.attestation.symmetricKey is a string (not shown), expected an object")
        .doesNotContain(key);
  }

  @Test
  void longValuesAreCut() {
    String longValue = "x".repeat(500);
    IndividualEnrollment r =
        withSpec("provisioningStatus", JsonNodeFactory.instance.textNode(longValue));
    assertThat(r.getSpec().unreadable().orElseThrow().describe())
        .startsWith(
            "spec.provisioningStatus is \"" + "x".repeat(TolerantReader.MAX_SHOWN) + "\"...")
        .hasSizeLessThan(200);
  }

  // Arbitrary garbage at arbitrary places of a good spec.

  @Provide
  Arbitrary<List<String>> paths() {
    List<String> known =
        List.of(
            "registrationId",
            "deviceId",
            "allocationPolicy",
            "iotHubs",
            "deletionPolicy",
            "provisioningStatus",
            "attestation",
            "attestation.type",
            "attestation.symmetricKey",
            "attestation.symmetricKey.secretRef",
            "attestation.symmetricKey.secretRef.name",
            "attestation.x509.clientCertificates.primary",
            "attestation.tpm.endorsementKey",
            "reprovisionPolicy",
            "reprovisionPolicy.updateHubAssignment",
            "initialTwin",
            "initialTwin.tags",
            "capabilities.iotEdge",
            "customAllocationDefinition.webhookUrl",
            "connectionSecretRef",
            "optionalDeviceInformation",
            "somethingNew.field");
    return Arbitraries.of(known).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<JsonNode> garbage() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(80).map(f::textNode),
            Arbitraries.integers().map(f::numberNode),
            Arbitraries.doubles().map(f::numberNode),
            Arbitraries.of(true, false).map(f::booleanNode),
            Arbitraries.just(f.nullNode()));
    Arbitrary<JsonNode> arrays =
        scalars
            .list()
            .ofMaxSize(3)
            .map(
                items -> {
                  ArrayNode a = f.arrayNode();
                  items.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> objects =
        Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), scalars)
            .as((k, v) -> (JsonNode) f.objectNode().set(k, v));
    return Arbitraries.oneOf(scalars, arrays, objects);
  }

  @Property(tries = 300)
  void garbageAnywhereNeverThrowsAndSurvivesARoundTrip(
      @ForAll("paths") List<String> paths,
      @ForAll @Size(max = 4) List<@From("garbage") JsonNode> values) {
    ObjectNode resource = good();
    ObjectNode spec = (ObjectNode) resource.get("spec");
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < Math.min(paths.size(), values.size()); i++) {
      put(spec, paths.get(i), values.get(i));
      placed.add(paths.get(i));
    }

    IndividualEnrollment r = readIndividual(resource);

    assertThat(r.getMetadata().getName()).isEqualTo("dev-1");
    assertThat(r.getStatus().getEtag()).isEqualTo("abc");
    r.getSpec()
        .unreadable()
        .ifPresent(
            u -> {
              assertThat(u.problems()).isNotEmpty();
              // Each problem is at or below (or, for a non-object, above) a place garbage went.
              u.problems()
                  .forEach(
                      p ->
                          assertThat(placed)
                              .anySatisfy(
                                  at -> {
                                    String full = "spec." + at;
                                    String stem = p.path().replaceAll("\\[\\d+]", "");
                                    assertThat(stem.startsWith(full) || full.startsWith(stem))
                                        .as(p.describe())
                                        .isTrue();
                                  }));
              // What is shown never exceeds the cut, so no long value is echoed.
              assertThat(u.problems())
                  .allSatisfy(p -> assertThat(p.found().length()).isLessThan(100));
            });
    // An unreadable spec is written back exactly as read, so a clone reads the same way.
    if (r.getSpec().unreadable().isPresent()) {
      JsonNode written = JSON.unmarshal(JSON.asJson(r), JsonNode.class);
      assertThat(written.get("spec")).isEqualTo(spec);
      assertThat(readIndividual(written).getSpec().unreadable()).isPresent();
    }
  }

  @Test
  void unreadableSpecsAreDescribed() {
    assertThat(
            new UnreadableSpec(
                    JsonNodeFactory.instance.objectNode(),
                    List.of(new UnreadableSpec.Problem("spec.a", "1", "a string")))
                .describe())
        .isEqualTo("spec.a is 1, expected a string");
  }

  @Test
  void statusFieldsThatCannotBeReadAreLeftOut() {
    ObjectNode resource = good();
    ObjectNode status = (ObjectNode) resource.get("status");
    status.put("conditions", "oops");
    status.put("observedGeneration", "seven");
    IndividualEnrollment r = readIndividual(resource);
    assertThat(r.getSpec().unreadable()).isEmpty();
    assertThat(r.getStatus().getEtag()).isEqualTo("abc");
    assertThat(r.getStatus().getConditions()).isNull();
    assertThat(r.getStatus().getObservedGeneration()).isNull();
  }
}
