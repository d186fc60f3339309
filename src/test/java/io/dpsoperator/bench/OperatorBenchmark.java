package io.dpsoperator.bench;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.device.DeviceRegistrationClient;
import io.dpsoperator.operator.Fixtures;
import io.dpsoperator.operator.OperatorTestEnvironment;
import io.dpsoperator.operator.sync.Conditions;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmarks, run with {@code mvn -Pbench test}: they print their figures and check the targets in
 * docs/benchmarks.md. Not part of the regular suite.
 */
@Tag("bench")
class OperatorBenchmark {
  private static final int ENROLLMENTS = Integer.getInteger("bench.enrollments", 300);
  private static final int DEVICES = Integer.getInteger("bench.devices", 300);
  private static final int RATE_LIMIT = Integer.getInteger("bench.rateLimit", 1000);

  @Test
  void enrollmentsToReadyAndIdleResync() throws Exception {
    try (OperatorTestEnvironment env =
        OperatorTestEnvironment.start(
            Map.of(
                "DPS_OPERATOR_RESYNC_INTERVAL",
                "10s",
                "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE",
                String.valueOf(RATE_LIMIT)))) {
      String ns = env.newNamespace();
      env.randomKeysSecret(ns, "keys");
      long start = System.nanoTime();
      for (int i = 0; i < ENROLLMENTS; i++) {
        env.kube.resource(enrollment(ns, "bench-" + i, Fixtures.keysFromSecret("keys"))).create();
      }
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> readyCount(env, ns) == ENROLLMENTS);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.gc();
      long heapMb =
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      System.out.printf(
          "BENCH operator: %d enrollments Ready in %.1f s (%.1f/s) at %d DPS ops/min; heap after GC"
              + " %d MiB%n",
          ENROLLMENTS, seconds, ENROLLMENTS / seconds, RATE_LIMIT, heapMb);

      // Idle resync: DPS reads only, no writes, no status updates.
      long writesBefore = count(env, "createOrUpdateIndividualEnrollment");
      long readsBefore = count(env, "getIndividualEnrollment");
      await().pollDelay(Duration.ofSeconds(25)).atMost(Duration.ofSeconds(30)).until(() -> true);
      long writes = count(env, "createOrUpdateIndividualEnrollment") - writesBefore;
      long reads = count(env, "getIndividualEnrollment") - readsBefore;
      System.out.printf(
          "BENCH resync: %d DPS reads and %d writes in 25 s for %d idle enrollments (resync 10s)%n",
          reads, writes, ENROLLMENTS);
      assertThat(writes).isZero();
      assertThat(seconds).as("time to Ready").isLessThan(120);
      assertThat(heapMb).as("heap after GC").isLessThan(512);
    }
  }

  @Test
  void deviceRegistrationStormAgainstTheEmulator() throws Exception {
    try (OperatorTestEnvironment env = OperatorTestEnvironment.start()) {
      String ns = env.newNamespace();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < DEVICES; i++) {
        String key = Fixtures.randomKey();
        keys.add(key);
        env.dps.createOrUpdateIndividualEnrollment(
            io.dpsoperator.dps.model.IndividualEnrollment.builder("storm-" + i)
                .attestation(
                    io.dpsoperator.dps.model.AttestationMechanism.symmetricKey(
                        new io.dpsoperator.dps.model.SymmetricKeyAttestation(
                            key, Fixtures.randomKey())))
                .build(),
            io.dpsoperator.dps.IfMatch.absent());
      }
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(16);
      long start = System.nanoTime();
      try (DeviceRegistrationClient client =
          DeviceRegistrationClient.builder()
              .endpoint(env.emulator.deviceEndpoint())
              .idScope(env.emulator.idScope())
              .trustedCaPem(env.emulator.caCertificatePem())
              .sleeper(d -> Thread.sleep(Math.min(d.toMillis(), 50)))
              .build()) {
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
          int n = i;
          results.add(
              pool.submit(
                  () -> {
                    long t0 = System.nanoTime();
                    var r =
                        client.registerWithSymmetricKey(
                            "storm-" + n, keys.get(n), Optional.empty());
                    latencies.add((System.nanoTime() - t0) / 1_000_000);
                    return r.status();
                  }));
        }
        for (Future<String> f : results) {
          assertThat(f.get()).isEqualTo("assigned");
        }
      } finally {
        pool.shutdown();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Collections.sort(latencies);
      System.out.printf(
          "BENCH emulator: %d registrations in %.1f s (%.0f/s), p50 %d ms, p99 %d ms%n",
          DEVICES,
          seconds,
          DEVICES / seconds,
          latencies.get(latencies.size() / 2),
          latencies.get((int) (latencies.size() * 0.99)));
      assertThat(env.dps.getDeviceRegistrationState("storm-0").status()).isEqualTo("assigned");
    }
  }

  private static long readyCount(OperatorTestEnvironment env, String ns) {
    return env.kube.resources(IndividualEnrollment.class).inNamespace(ns).list().getItems().stream()
        .filter(
            r ->
                Conditions.ready(r.getStatus())
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false))
        .count();
  }

  private static long count(OperatorTestEnvironment env, String operation) {
    return env.meters.find("dps.client.requests").tag("operation", operation).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
