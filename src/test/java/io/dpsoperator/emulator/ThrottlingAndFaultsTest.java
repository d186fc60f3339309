package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.emulator.TestClient.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ThrottlingAndFaultsTest {

  @Test
  void serviceOperationsAreThrottledWith429AndRetryAfter() {
    try (DpsEmulator dps = DpsEmulator.builder().serviceOperationsPerMinute(5).build().start()) {
      TestClient client = new TestClient(dps);
      for (int i = 0; i < 5; i++) {
        assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(404);
      }
      Resp throttled = client.service("GET", "/enrollments/x", null);
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.json().get("errorCode").asInt()).isEqualTo(429001);
      assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 60);
    }
  }

  @Test
  void aBulkOperationCountsAsOneServiceOperation() {
    try (DpsEmulator dps = DpsEmulator.builder().serviceOperationsPerMinute(2).build().start()) {
      TestClient client = new TestClient(dps);
      List<Map<String, Object>> ten = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ten.add(
            Map.of(
                "registrationId", "thr-bulk-" + i, "attestation", Map.of("type", "symmetricKey")));
      }
      Resp created =
          client.service("POST", "/enrollments", Map.of("mode", "create", "enrollments", ten));
      assertThat(created.status()).isEqualTo(200);
      assertThat(created.json().get("isSuccessful").asBoolean()).isTrue();
      assertThat(client.service("GET", "/enrollments/thr-bulk-9", null).status()).isEqualTo(200);
      Resp throttled =
          client.service("POST", "/enrollments", Map.of("mode", "delete", "enrollments", ten));
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.json().get("errorCode").asInt()).isEqualTo(429001);
    }
  }

  @Test
  void registrationsAreThrottled() {
    try (DpsEmulator dps = DpsEmulator.builder().registrationsPerMinute(2).build().start()) {
      TestClient client = new TestClient(dps);
      String key =
          client
              .service(
                  "PUT",
                  "/enrollments/thr-dev",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      assertThat(client.register("thr-dev", key, null).status()).isEqualTo(202);
      assertThat(client.register("thr-dev", key, null).status()).isEqualTo(202);
      Resp throttled = client.register("thr-dev", key, null);
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.header("Retry-After")).isNotNull();
      // the service API is not affected
      assertThat(client.service("GET", "/enrollments/thr-dev", null).status()).isEqualTo(200);
    }
  }

  @Test
  void faultsFailDelayAndDropRequests() {
    try (DpsEmulator dps = DpsEmulator.builder().build().start()) {
      TestClient client = new TestClient(dps);
      dps.faults().failureRate(503, 1.0);
      Resp failed = client.service("GET", "/enrollments/x", null);
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.json().get("errorCode").asInt()).isEqualTo(503001);
      assertThat(failed.header("x-ms-error-code")).isEqualTo("503001");
      assertThat(failed.header("Retry-After")).isEqualTo("1");

      dps.faults().failureRate(500, 0.5);
      Set<Integer> statuses = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        statuses.add(client.service("GET", "/enrollments/x", null).status());
      }
      assertThat(statuses).containsExactlyInAnyOrder(500, 404);

      dps.faults().clear().latency(Duration.ofMillis(300));
      long start = System.nanoTime();
      assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(404);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));

      dps.faults().clear().dropConnections(1.0);
      assertThatThrownBy(() -> client.service("GET", "/enrollments/x", null))
          .isInstanceOf(java.io.UncheckedIOException.class);
      dps.faults().clear();
      assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(404);
    }
  }

  @Test
  void adminEndpointControlsFaultsOnLoopback() throws Exception {
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .adminPort(0)
            .faults(new Faults.Settings(429, 1.0, Duration.ZERO, 0))
            .build()
            .start()) {
      TestClient client = new TestClient(dps);
      assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(429);
      HttpClient http = HttpClient.newHttpClient();
      String admin = "http://127.0.0.1:" + dps.adminPort() + "/admin/faults";
      HttpResponse<String> cleared =
          http.send(
              HttpRequest.newBuilder(URI.create(admin)).DELETE().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(cleared.statusCode()).isEqualTo(200);
      assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(404);
      HttpResponse<String> set =
          http.send(
              HttpRequest.newBuilder(URI.create(admin))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"status\":500,\"rate\":1.0}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(dps.faults().settings().failureStatus()).isEqualTo(500);
      assertThat(client.service("GET", "/enrollments/x", null).status()).isEqualTo(500);
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(URI.create(admin)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(TestClient.JSON.readTree(get.body()).get("rate").asDouble()).isEqualTo(1.0);
      HttpResponse<String> bad =
          http.send(
              HttpRequest.newBuilder(URI.create(admin))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"rate\":7}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      // the device API is affected as well
      assertThat(client.register("any", null, null).status()).isEqualTo(500);
    }
  }
}
