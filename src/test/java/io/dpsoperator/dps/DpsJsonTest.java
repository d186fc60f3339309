package io.dpsoperator.dps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsoperator.dps.model.AllocationPolicy;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.AttestationType;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.DeviceCapabilities;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.ProvisioningServiceErrorDetails;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON mapping of the wire types. */
class DpsJsonTest {
  private final ObjectMapper json = DpsJson.newObjectMapper();

  @Test
  void readOnlyFieldsAreReadButNeverWritten() throws Exception {
    String answer =
        """
        {"registrationId":"dev-1","attestation":{"type":"symmetricKey","symmetricKey":{}},
         "etag":"\\"13003fea-0000\\"","createdDateTimeUtc":"2022-08-31T22:02:50.5163352Z",
         "lastUpdatedDateTimeUtc":"2022-08-31T22:02:51Z",
         "registrationState":{"registrationId":"dev-1","status":"assigned","assignedHub":"h"},
         "someFutureField":{"x":1},"provisioningStatus":"enabled"}
        """;
    IndividualEnrollment e = json.readValue(answer, IndividualEnrollment.class);
    assertThat(e.etag()).isEqualTo("\"13003fea-0000\"");
    assertThat(e.createdDateTimeUtc()).isEqualTo(Instant.parse("2022-08-31T22:02:50.5163352Z"));
    assertThat(e.registrationState().assignedHub()).isEqualTo("h");

    JsonNode written = json.readTree(json.writeValueAsBytes(e));
    assertThat(written.has("etag")).isFalse();
    assertThat(written.has("createdDateTimeUtc")).isFalse();
    assertThat(written.has("lastUpdatedDateTimeUtc")).isFalse();
    assertThat(written.has("registrationState")).isFalse();
    assertThat(written.get("registrationId").asText()).isEqualTo("dev-1");
    assertThat(written.get("provisioningStatus").asText()).isEqualTo("enabled");
  }

  @Test
  void groupReadOnlyFieldsAreNeverWritten() throws Exception {
    EnrollmentGroup g =
        EnrollmentGroup.builder("g1")
            .attestation(AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(null, null)))
            .capabilities(new DeviceCapabilities(false))
            .etag("\"e\"")
            .createdDateTimeUtc(Instant.EPOCH)
            .build();
    JsonNode written = json.readTree(json.writeValueAsBytes(g));
    assertThat(written.has("etag")).isFalse();
    assertThat(written.has("createdDateTimeUtc")).isFalse();
    assertThat(written.get("capabilities").get("iotEdge").asBoolean()).isFalse();
    assertThat(written.get("attestation").get("type").asText()).isEqualTo("symmetricKey");
  }

  @Test
  void unknownEnumValuesReadAsNull() throws Exception {
    IndividualEnrollment e =
        json.readValue(
            "{\"registrationId\":\"d\",\"allocationPolicy\":\"quantum\","
                + "\"attestation\":{\"type\":\"hologram\"}}",
            IndividualEnrollment.class);
    assertThat(e.allocationPolicy()).isNull();
    assertThat(e.attestation().type()).isNull();
    IndividualEnrollment known =
        json.readValue(
            "{\"allocationPolicy\":\"geoLatency\",\"attestation\":{\"type\":\"x509\"}}",
            IndividualEnrollment.class);
    assertThat(known.allocationPolicy()).isEqualTo(AllocationPolicy.GEO_LATENCY);
    assertThat(known.attestation().type()).isEqualTo(AttestationType.X509);
  }

  @Test
  void bulkResultReadsIsSuccessful() throws Exception {
    BulkEnrollmentOperationResult ok =
        json.readValue(
            "{\"isSuccessful\":true,\"errors\":[]}", BulkEnrollmentOperationResult.class);
    assertThat(ok.isSuccessful()).isTrue();
    BulkEnrollmentOperationResult failed =
        json.readValue(
            "{\"isSuccessful\":false,\"errors\":[{\"registrationId\":\"a\",\"errorCode\":409001,"
                + "\"errorStatus\":\"exists\"}]}",
            BulkEnrollmentOperationResult.class);
    assertThat(failed.isSuccessful()).isFalse();
    assertThat(failed.errors())
        .singleElement()
        .satisfies(
            err -> {
              assertThat(err.registrationId()).isEqualTo("a");
              assertThat(err.errorCode()).isEqualTo(409001);
            });
    assertThat(json.readTree(json.writeValueAsString(ok)).has("isSuccessful")).isTrue();
  }

  @Test
  void datesAreWrittenAsIso8601() throws Exception {
    ProvisioningServiceErrorDetails d =
        new ProvisioningServiceErrorDetails(
            401002, "t", "Unauthorized", null, Instant.parse("2022-05-02T08:04:03.576Z"));
    assertThat(json.writeValueAsString(d))
        .contains("\"timestampUtc\":\"2022-05-02T08:04:03.576Z\"");
  }
}
