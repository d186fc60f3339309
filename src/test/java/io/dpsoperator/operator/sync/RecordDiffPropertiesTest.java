package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dpsoperator.dps.DpsJson;
import io.dpsoperator.dps.model.AllocationPolicy;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.DeviceCapabilities;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.InitialTwin;
import io.dpsoperator.dps.model.InitialTwinProperties;
import io.dpsoperator.dps.model.ProvisioningStatus;
import io.dpsoperator.dps.model.ReprovisionPolicy;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.dps.model.TpmAttestation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link RecordDiff} on generated records: what DPS answers for the record the operator sent
 * (re-parsed by the DPS client, numbers in another type or notation, members in another order, twin
 * metadata added, defaults filled in) is no difference; a real change is one.
 */
class RecordDiffPropertiesTest {
  /** The spec side: Kubernetes objects are read with a default mapper, floats as doubles. */
  private static final ObjectMapper SPEC = new ObjectMapper();

  /** The DPS side: what the operator's DPS client parses answers with. */
  private static final ObjectMapper DPS = DpsJson.newObjectMapper();

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Attestation and options, with DPS defaults left out or spelled out. */
  private static Arbitrary<IndividualEnrollment> options() {
    return Builders.withBuilder(() -> IndividualEnrollment.builder("Device-01"))
        .use(Arbitraries.of(0, 1, 2))
        .in(
            (b, kind) ->
                b.attestation(
                    switch (kind) {
                      case 0 ->
                          AttestationMechanism.symmetricKey(
                              new SymmetricKeyAttestation("a2V5MWtleTFrZXkxa2V5MQ==", null));
                      case 1 ->
                          AttestationMechanism.symmetricKey(
                              new SymmetricKeyAttestation(null, null));
                      default ->
                          AttestationMechanism.tpm(new TpmAttestation("AToAAQALAAMAsgAg", null));
                    }))
        .use(Arbitraries.of(ProvisioningStatus.class).injectNull(0.3))
        .in(IndividualEnrollment.Builder::provisioningStatus)
        .use(Arbitraries.of(true, false).injectNull(0.3))
        .in((b, edge) -> b.capabilities(edge == null ? null : new DeviceCapabilities(edge)))
        .use(Arbitraries.of(true, false).list().ofSize(2).injectNull(0.3))
        .in(
            (b, p) ->
                b.reprovisionPolicy(p == null ? null : new ReprovisionPolicy(p.get(0), p.get(1))))
        .use(Arbitraries.of(AllocationPolicy.HASHED, AllocationPolicy.GEO_LATENCY).injectNull(0.5))
        .in(IndividualEnrollment.Builder::allocationPolicy)
        .use(
            Arbitraries.of("Hub-A.azure-devices.net", "hub-b.azure-devices.net")
                .list()
                .ofMaxSize(2)
                .uniqueElements())
        .in((b, hubs) -> b.iotHubs(hubs.isEmpty() ? null : hubs))
        .use(Arbitraries.of("device-01", "Device-01", "other-device").injectNull(0.5))
        .in(IndividualEnrollment.Builder::deviceId)
        .build(IndividualEnrollment.Builder::build);
  }

  @Provide
  Arbitrary<IndividualEnrollment> records() {
    return Combinators.combine(
            options(),
            Twins.twins().injectNull(0.2),
            Twins.twins().injectNull(0.2),
            Twins.twins().injectNull(0.5))
        .as(
            (r, tags, desired, info) ->
                r.toBuilder()
                    .initialTwin(twin(tags, desired))
                    .optionalDeviceInformation(info)
                    .build());
  }

  private static InitialTwin twin(ObjectNode tags, ObjectNode desired) {
    return tags == null && desired == null
        ? null
        : new InitialTwin(tags, desired == null ? null : new InitialTwinProperties(desired));
  }

  /** The record as the spec side holds it: its twin read from JSON text, floats as doubles. */
  private static IndividualEnrollment asSpecReadsIt(IndividualEnrollment r) throws Exception {
    return r.toBuilder()
        .initialTwin(
            r.initialTwin() == null
                ? null
                : SPEC.treeToValue(
                    SPEC.readTree(SPEC.writeValueAsString(r.initialTwin())), InitialTwin.class))
        .optionalDeviceInformation(
            r.optionalDeviceInformation() == null
                ? null
                : (ObjectNode)
                    SPEC.readTree(SPEC.writeValueAsString(r.optionalDeviceInformation())))
        .build();
  }

  /**
   * What DPS answers for a record sent as {@code sent}: a service that stores JSON as read by a
   * default parser (floats as doubles), adds read-only fields and twin metadata, fills in defaults,
   * hides keys and writes hub names in its own casing; parsed by the operator's DPS client.
   */
  private static IndividualEnrollment dpsAnswer(IndividualEnrollment sent, Random random)
      throws Exception {
    ObjectNode held = (ObjectNode) SPEC.readTree(DPS.writeValueAsString(sent));
    held.put("registrationId", sent.registrationId().toLowerCase(Locale.ROOT));
    held.put("etag", "\"" + random.nextInt() + "\"");
    held.put("createdDateTimeUtc", "2026-01-01T00:00:00.0000000Z");
    held.put("lastUpdatedDateTimeUtc", "2026-01-02T00:00:00.0000000Z");
    if (!held.has("provisioningStatus")) {
      held.put("provisioningStatus", "enabled");
    }
    if (!held.has("capabilities")) {
      held.putObject("capabilities").put("iotEdge", false);
    }
    if (!held.has("reprovisionPolicy")) {
      held.putObject("reprovisionPolicy")
          .put("updateHubAssignment", true)
          .put("migrateDeviceData", true);
    }
    if (!held.has("allocationPolicy")) {
      held.put("allocationPolicy", "hashed");
    }
    if (held.has("iotHubs")) {
      var hubs = F.arrayNode();
      held.get("iotHubs").forEach(h -> hubs.add(h.asText().toUpperCase(Locale.ROOT)));
      held.set("iotHubs", hubs);
    } else {
      held.putArray("iotHubs").add("hub-a.azure-devices.net").add("hub-b.azure-devices.net");
    }
    if (held.path("attestation").get("symmetricKey") instanceof ObjectNode keys) {
      keys.putNull("primaryKey");
      keys.putNull("secondaryKey");
    }
    if (held.get("initialTwin") instanceof ObjectNode twin) {
      if (twin.get("tags") instanceof ObjectNode tags) {
        addTwinMetadata(tags);
      }
      if (twin.path("properties").get("desired") instanceof ObjectNode desired) {
        addTwinMetadata(desired);
      }
    }
    return DPS.readValue(SPEC.writeValueAsString(held), IndividualEnrollment.class);
  }

  private static void addTwinMetadata(ObjectNode section) {
    section.putObject("$metadata").put("$lastUpdated", "2026-01-01T00:00:00.0000000Z");
    section.put("$version", 1);
  }

  @Property(tries = 200)
  void whatDpsAnswersForTheRecordSentIsNoDifference(
      @ForAll("records") IndividualEnrollment record, @ForAll Random random) throws Exception {
    IndividualEnrollment desired = asSpecReadsIt(record);
    assertThat(RecordDiff.differences(desired, dpsAnswer(desired, random))).isEmpty();
  }

  @Property(tries = 200)
  void numbersInAnotherTypeOrNotationAndMembersInAnotherOrderAreNoDifference(
      @ForAll("twinSections") ObjectNode tags,
      @ForAll("twinSections") ObjectNode desired,
      @ForAll Random random) {
    IndividualEnrollment want = base().initialTwin(twin(tags, desired)).build();
    ObjectNode heldTags = (ObjectNode) Twins.sameMeaning(tags, random);
    ObjectNode heldDesired = (ObjectNode) Twins.sameMeaning(desired, random);
    addTwinMetadata(heldTags);
    addTwinMetadata(heldDesired);
    IndividualEnrollment held = base().initialTwin(twin(heldTags, heldDesired)).build();
    assertThat(RecordDiff.differences(want, held)).isEmpty();
    assertThat(RecordDiff.differences(held, want)).isEmpty();
  }

  @Property(tries = 200)
  void theHashDependsNeitherOnMemberOrderNorOnHowNumbersWereTyped(
      @ForAll("twinSections") ObjectNode tags, @ForAll Random random) {
    IndividualEnrollment a = base().initialTwin(twin(tags, null)).build();
    IndividualEnrollment b =
        base().initialTwin(twin((ObjectNode) Twins.sameValue(tags, random), null)).build();
    SymmetricKeyAttestation keys =
        new SymmetricKeyAttestation("a2V5MWtleTFrZXkxa2V5MQ==", "a2V5MmtleTJrZXkya2V5Mg==");
    assertThat(RecordDiff.hash(a, keys)).isEqualTo(RecordDiff.hash(b, keys));
  }

  @Property(tries = 200)
  void aChangedLeafIsADifference(@ForAll("twinSections") ObjectNode tags, @ForAll Random random) {
    List<ObjectNode> parents = new ArrayList<>();
    collectLeafParents(tags, parents);
    Assume.that(!parents.isEmpty());
    ObjectNode changed = tags.deepCopy();
    List<ObjectNode> changedParents = new ArrayList<>();
    collectLeafParents(changed, changedParents);
    ObjectNode parent = changedParents.get(random.nextInt(changedParents.size()));
    List<String> leaves = new ArrayList<>();
    parent
        .fields()
        .forEachRemaining(
            e -> {
              if (isLeaf(e.getValue())) {
                leaves.add(e.getKey());
              }
            });
    String name = leaves.get(random.nextInt(leaves.size()));
    JsonNode old = parent.get(name);
    parent.set(name, TextNode.valueOf("changed " + old.asText()));
    assertThat(
            RecordDiff.differences(
                base().initialTwin(twin(tags, null)).build(),
                base().initialTwin(twin(changed, null)).build()))
        .containsExactly("initialTwin");
  }

  @Property(tries = 200)
  void anAddedMemberIsADifference(
      @ForAll("twinSections") ObjectNode desired, @ForAll("leaves") JsonNode added) {
    ObjectNode more = desired.deepCopy().set("added-member", added);
    assertThat(
            RecordDiff.differences(
                base().initialTwin(twin(null, desired)).build(),
                base().initialTwin(twin(null, more)).build()))
        .containsExactly("initialTwin");
  }

  @Property(tries = 200)
  void reorderedArrayElementsAreADifference(
      @ForAll("twinSections") ObjectNode tags, @ForAll int n, @ForAll("text") String s) {
    ObjectNode a = tags.deepCopy();
    a.putArray("list").add(LongNode.valueOf(n)).add(DoubleNode.valueOf(n + 0.5)).add(s);
    ObjectNode b = tags.deepCopy();
    b.putArray("list").add(DoubleNode.valueOf(n + 0.5)).add(LongNode.valueOf(n)).add(s);
    assertThat(
            RecordDiff.differences(
                base().initialTwin(twin(a, null)).build(),
                base().initialTwin(twin(b, null)).build()))
        .containsExactly("initialTwin");
  }

  @Example
  void integersBeyond2To53AreNotRoundedToANearbyDouble() {
    long beyond = (1L << 53) + 1;
    ObjectNode exact = F.objectNode().put("counter", beyond);
    ObjectNode rounded = F.objectNode().put("counter", (double) beyond);
    assertThat(
            RecordDiff.differences(
                base().initialTwin(twin(exact, null)).build(),
                base().initialTwin(twin(rounded, null)).build()))
        .containsExactly("initialTwin");
    ObjectNode same = F.objectNode().put("counter", (double) (1L << 53));
    ObjectNode integer = F.objectNode().put("counter", 1L << 53);
    assertThat(
            RecordDiff.differences(
                base().initialTwin(twin(same, null)).build(),
                base().initialTwin(twin(integer, null)).build()))
        .isEmpty();
  }

  @Provide
  Arbitrary<ObjectNode> twinSections() {
    return Twins.twins();
  }

  @Provide
  Arbitrary<JsonNode> leaves() {
    return Twins.leaf().filter(l -> !l.isNull() && !(l.isObject() && l.isEmpty()));
  }

  @Provide
  Arbitrary<String> text() {
    return Twins.text();
  }

  private static IndividualEnrollment.Builder base() {
    return IndividualEnrollment.builder("device-01")
        .attestation(AttestationMechanism.tpm(new TpmAttestation("AToAAQALAAMAsgAg", null)));
  }

  private static boolean isLeaf(JsonNode n) {
    return !n.isContainerNode() && !n.isNull();
  }

  /** Objects that have a non-null scalar member, at any depth outside arrays. */
  private static void collectLeafParents(ObjectNode o, List<ObjectNode> out) {
    boolean hasLeaf = false;
    for (var it = o.fields(); it.hasNext(); ) {
      var e = it.next();
      if (isLeaf(e.getValue())) {
        hasLeaf = true;
      } else if (e.getValue() instanceof ObjectNode child) {
        collectLeafParents(child, out);
      }
    }
    if (hasLeaf) {
      out.add(o);
    }
  }
}
