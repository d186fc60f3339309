package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.DeviceCapabilities;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.InitialTwin;
import io.dpsoperator.dps.model.ProvisioningStatus;
import io.dpsoperator.dps.model.ReprovisionPolicy;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static IndividualEnrollment.Builder desired() {
    return IndividualEnrollment.builder("Device-01")
        .attestation(
            AttestationMechanism.symmetricKey(new SymmetricKeyAttestation("a2V5MQ==", "a2V5Mg==")))
        .capabilities(new DeviceCapabilities(false))
        .provisioningStatus(ProvisioningStatus.ENABLED)
        .reprovisionPolicy(new ReprovisionPolicy(true, true));
  }

  @Test
  void dpsDefaultsHiddenKeysAndReadOnlyFieldsCompareEqual() {
    IndividualEnrollment held =
        IndividualEnrollment.builder("device-01")
            .attestation(AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(null, null)))
            .etag("\"abc\"")
            .createdDateTimeUtc(Instant.now())
            .allocationPolicy(io.dpsoperator.dps.model.AllocationPolicy.HASHED)
            .iotHubs(List.of())
            .build();
    assertThat(RecordDiff.differences(desired().build(), held)).isEmpty();
  }

  @Test
  void reportsChangedFieldsByName() {
    IndividualEnrollment held = desired().provisioningStatus(ProvisioningStatus.DISABLED).build();
    assertThat(RecordDiff.differences(desired().build(), held))
        .containsExactly("provisioningStatus");
  }

  @Test
  void twinContentIsComparedExactly() throws Exception {
    ObjectNode tags = (ObjectNode) JSON.readTree("{\"site\":\"lyon\",\"floors\":[1,2]}");
    ObjectNode other = (ObjectNode) JSON.readTree("{\"site\":\"lyon\",\"floors\":[2,1]}");
    IndividualEnrollment a = desired().initialTwin(new InitialTwin(tags, null)).build();
    IndividualEnrollment b = desired().initialTwin(new InitialTwin(other, null)).build();
    assertThat(RecordDiff.differences(a, a)).isEmpty();
    assertThat(RecordDiff.differences(a, b)).containsExactly("initialTwin");
  }

  @Test
  void twinMetadataAddedByTheServiceIsNotADifference() throws Exception {
    ObjectNode tags = (ObjectNode) JSON.readTree("{\"site\":\"lyon\"}");
    ObjectNode served =
        (ObjectNode)
            JSON.readTree(
                "{\"site\":\"lyon\",\"$metadata\":{\"$lastUpdated\":\"2026-01-01T00:00:00Z\"},\"$version\":1}");
    IndividualEnrollment a = desired().initialTwin(new InitialTwin(tags, null)).build();
    IndividualEnrollment b = desired().initialTwin(new InitialTwin(served, null)).build();
    assertThat(RecordDiff.differences(a, b)).isEmpty();
  }

  @Test
  void hashChangesWithKeysOnly() {
    IndividualEnrollment r = desired().build();
    String h1 = RecordDiff.hash(r, new SymmetricKeyAttestation("a2V5MQ==", "a2V5Mg=="));
    String h2 = RecordDiff.hash(r, new SymmetricKeyAttestation("a2V5Mw==", "a2V5Mg=="));
    assertThat(h1).isNotEqualTo(h2).hasSize(64);
    assertThat(RecordDiff.hash(r, new SymmetricKeyAttestation("a2V5MQ==", "a2V5Mg==")))
        .isEqualTo(h1);
  }
}
