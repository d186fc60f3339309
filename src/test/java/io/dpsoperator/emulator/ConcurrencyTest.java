package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.TestClient.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A registration storm and a service-API burst at once leave consistent state. */
class ConcurrencyTest {

  @Test
  void parallelRegistrationsAndServiceWritesDoNotCorruptState() throws Exception {
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .linkedHub("h1.azure-devices.net", 1)
            .linkedHub("h2.azure-devices.net", 1)
            .build()
            .start()) {
      TestClient client = new TestClient(dps);
      String groupKey =
          client
              .service(
                  "PUT",
                  "/enrollmentGroups/storm",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      Resp shared =
          client.service(
              "PUT",
              "/enrollments/contended",
              Map.of("attestation", Map.of("type", "symmetricKey")));
      String etag = shared.json().get("etag").asText();

      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Callable<Integer>> tasks = new ArrayList<>();
      int devices = 60;
      for (int i = 0; i < devices; i++) {
        String id = "storm-" + i;
        tasks.add(() -> client.register(id, Sas.deriveDeviceKey(groupKey, id), null).status());
      }
      for (int i = 0; i < 40; i++) {
        String id = "burst-" + i;
        tasks.add(
            () ->
                client
                    .service(
                        "PUT",
                        "/enrollments/" + id,
                        Map.of("attestation", Map.of("type", "symmetricKey")))
                    .status());
      }
      AtomicInteger conditionalWins = new AtomicInteger();
      for (int i = 0; i < 20; i++) {
        tasks.add(
            () -> {
              int status =
                  client
                      .service(
                          "PUT",
                          "/enrollments/contended",
                          Map.of("attestation", Map.of("type", "symmetricKey")),
                          "If-Match",
                          etag)
                      .status();
              if (status == 200) {
                conditionalWins.incrementAndGet();
              }
              return status == 412 ? 200 : status;
            });
      }
      List<Future<Integer>> results = pool.invokeAll(tasks);
      pool.shutdown();
      for (Future<Integer> f : results) {
        assertThat(f.get()).isIn(200, 202);
      }
      assertThat(conditionalWins.get()).isEqualTo(1);
      Resp registrations =
          client.service("POST", "/registrations/storm/query", "{}", "x-ms-max-item-count", "1000");
      assertThat(registrations.json().size()).isEqualTo(devices);
      registrations
          .json()
          .forEach(
              r -> {
                assertThat(r.get("status").asText()).isEqualTo("assigned");
                assertThat(r.get("assignedHub").asText())
                    .isIn("h1.azure-devices.net", "h2.azure-devices.net");
              });
      Resp enrollments =
          client.service(
              "POST",
              "/enrollments/query",
              Map.of("query", "SELECT *"),
              "x-ms-max-item-count",
              "1000");
      assertThat(enrollments.json().size()).isEqualTo(41);
    }
  }
}
