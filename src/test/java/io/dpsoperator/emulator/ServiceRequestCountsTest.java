package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.ServiceRequestCounts.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRequestCountsTest {

  @Test
  void countsEachServiceRequestByKindAndThrottledOnesApart() {
    try (DpsEmulator dps = DpsEmulator.builder().serviceOperationsPerMinute(7).build().start()) {
      TestClient client = new TestClient(dps);
      Map<String, Object> symmetric = Map.of("attestation", Map.of("type", "symmetricKey"));
      assertThat(client.service("PUT", "/enrollments/a", symmetric).status()).isEqualTo(200);
      assertThat(client.service("GET", "/enrollments/a", null).status()).isEqualTo(200);
      assertThat(client.service("GET", "/enrollments/missing", null).status()).isEqualTo(404);
      assertThat(client.service("POST", "/enrollments/a/attestationmechanism", null).status())
          .isEqualTo(200);
      assertThat(client.service("POST", "/enrollments/query", Map.of("query", "SELECT *")).status())
          .isEqualTo(200);
      Map<String, Object> bulk =
          Map.of(
              "mode",
              "create",
              "enrollments",
              List.of(
                  Map.of("registrationId", "b", "attestation", Map.of("type", "symmetricKey"))));
      assertThat(client.service("POST", "/enrollments", bulk).status()).isEqualTo(200);
      assertThat(client.service("DELETE", "/enrollments/a", null).status()).isEqualTo(204);
      assertThat(client.service("GET", "/enrollments/b", null).status()).isEqualTo(429);
      // The device API is not the service API: not counted.
      client.register("b", "bm90LWEta2V5", null);

      ServiceRequestCounts counts = dps.serviceRequests();
      assertThat(counts.snapshot())
          .containsEntry(Kind.WRITE, 1L)
          .containsEntry(Kind.READ, 3L)
          .containsEntry(Kind.QUERY, 1L)
          .containsEntry(Kind.BULK, 1L)
          .containsEntry(Kind.DELETE, 1L)
          .containsEntry(Kind.THROTTLED, 1L);
      assertThat(counts.operations()).isEqualTo(7);
    }
  }
}
