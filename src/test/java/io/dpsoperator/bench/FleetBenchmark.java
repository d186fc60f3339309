package io.dpsoperator.bench;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.emulator.ServiceRequestCounts.Kind;
import io.dpsoperator.operator.DpsOperator;
import io.dpsoperator.operator.Fixtures;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.OperatorTestEnvironment;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet-scale benchmark of issue #13: the official SDK's bulk script and the operator create
 * the same N enrollments against an emulator with the same quota, in one run, and the figures are
 * printed side by side with where the operator's time goes (DPS calls, Kubernetes API requests,
 * creating the resources themselves) and which bound applies. Then the operator is restarted with a
 * short resync to measure an idle resync, and K spec changes measure the latency to DPS. Run with
 * {@code mvn -Pbench test -Dtest=FleetBenchmark}; knobs in docs/benchmarks.md. It checks sanity
 * only, not the targets.
 */
@Tag("bench")
class FleetBenchmark {
  private static final int FLEET = Integer.getInteger("bench.fleet", 2000);
  private static final int QUOTA = Integer.getInteger("bench.quota", 1000);
  private static final int SECRETS = Integer.getInteger("bench.secrets", 0);
  private static final String KEYS = System.getProperty("bench.keys", "secret");
  private static final String IDLE_RESYNC = System.getProperty("bench.resync", "15s");
  private static final int SPEC_CHANGES = Integer.getInteger("bench.specChanges", 50);
  private static final Duration READY_TIMEOUT =
      Duration.ofMinutes(Integer.getInteger("bench.timeoutMinutes", 60));

  /** The operator's client-side limit when the emulator is unthrottled: no limit in effect. */
  private static final int UNLIMITED = 1_000_000;

  @Test
  void sdkBulkScriptAndOperatorOnTheSameFleet() throws Exception {
    assertThat(KEYS).as("bench.keys").isIn("secret", "generated");
    System.out.printf(
        "BENCH fleet: %d enrollments, quota %s, keys %s, %d unrelated Secrets, idle resync %s%n",
        FLEET, quotaLabel(), KEYS, SECRETS, IDLE_RESYNC);

    // A DEBUG line per DPS call would cost more than the calls on a loaded machine.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.dpsoperator"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    SdkBulkScript.Result sdk = SdkBulkScript.run(FLEET, QUOTA);
    System.out.printf(
        "BENCH sdk: %d enrollments in %.1f s; %d DPS calls (%.3f per enrollment) %s; %d retries"
            + " after 429%n",
        FLEET,
        seconds(sdk.time()),
        sdk.operations(),
        sdk.operations() / (double) FLEET,
        sdk.calls(),
        sdk.retries());
    assertThat(sdk.calls().get(Kind.BULK)).isEqualTo((long) Math.ceil(FLEET / 10.0));

    Map<String, String> settings = new HashMap<>();
    settings.put(
        "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", String.valueOf(QUOTA > 0 ? QUOTA : UNLIMITED));
    settings.put("DPS_OPERATOR_REQUEST_TIMEOUT", "30s");
    settings.put("DPS_OPERATOR_GROUP_STATUS_INTERVAL", "10m");
    // The production default: the test environment's short interval would read every record.
    settings.put("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "1h");
    // The fleet phase runs with the operator's default resync, as a real fleet would.
    settings.put("DPS_OPERATOR_RESYNC_INTERVAL", "5m");
    try (OperatorTestEnvironment env =
        OperatorTestEnvironment.start(settings, b -> b.serviceOperationsPerMinute(QUOTA))) {
      KubeRequests kube = new KubeRequests(env.server);
      KubeRequests.Split startup = kube.drain();
      try (KubernetesClient bench =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(env.kube.getConfiguration())
                      .withUserAgent(KubeRequests.BENCH_AGENT)
                      .build())
              .build()) {
        OperatorRun run = new OperatorRun(env, bench, kube, settings);
        run.fleet(startup);
        run.idle();
        run.specChanges();
        run.report(sdk);
      }
    }
  }

  /** The operator's side of the run, phase by phase. */
  private static final class OperatorRun {
    private final OperatorTestEnvironment env;
    private final KubernetesClient bench;
    private final KubeRequests kube;
    private final Map<String, String> settings;
    private final String ns = "fleet";

    private Duration secretsTime = Duration.ZERO;
    private Duration creationTime;
    private Duration readyTime;
    private Map<Kind, Long> fleetCalls;
    private long fleetOperations;
    private KubeRequests.Counts fleetKube;
    private KubeRequests.Counts benchKube;
    private long watchesOpened;
    private long heapMb;
    private String rss;
    private Map<String, Long> clientCalls;
    private double meanDpsMillis;
    private Map<Kind, Long> idleCalls;
    private long idleOperations;
    private KubeRequests.Counts idleKube;
    private double resyncs;
    private Duration idleResync;
    private List<Long> latencies = new ArrayList<>();
    private String latencyMethod;

    OperatorRun(
        OperatorTestEnvironment env,
        KubernetesClient bench,
        KubeRequests kube,
        Map<String, String> settings) {
      this.env = env;
      this.bench = bench;
      this.kube = kube;
      this.settings = settings;
    }

    /** Creates the fleet, waits until all are Ready, measures memory. */
    void fleet(KubeRequests.Split startup) throws Exception {
      bench
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      if (SECRETS > 0) {
        long t0 = System.nanoTime();
        for (int i = 0; i < SECRETS; i++) {
          bench
              .secrets()
              .inNamespace(ns)
              .resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("unrelated-" + i)
                      .endMetadata()
                      .addToStringData("data", "unrelated-" + i)
                      .build())
              .create();
        }
        secretsTime = Duration.ofNanos(System.nanoTime() - t0);
      }
      KubeRequests.Split before = kube.drain();
      Map<Kind, Long> callsBefore = env.emulator.serviceRequests().snapshot();

      SharedIndexInformer<IndividualEnrollment> ready =
          bench.resources(IndividualEnrollment.class).inNamespace(ns).inform();
      long start = System.nanoTime();
      for (int i = 0; i < FLEET; i++) {
        String name = "fleet-" + i;
        if (KEYS.equals("secret")) {
          Idempotent.create(
              () ->
                  bench
                      .secrets()
                      .inNamespace(ns)
                      .resource(
                          new SecretBuilder()
                              .withNewMetadata()
                              .withName(name + "-keys")
                              .endMetadata()
                              .addToStringData("primaryKey", Fixtures.randomKey())
                              .addToStringData("secondaryKey", Fixtures.randomKey())
                              .build())
                      .create());
          Idempotent.create(
              () ->
                  bench
                      .resource(enrollment(ns, name, Fixtures.keysFromSecret(name + "-keys")))
                      .create());
        } else {
          Idempotent.create(
              () -> bench.resource(enrollment(ns, name, Fixtures.generatedKeys())).create());
        }
      }
      creationTime = Duration.ofNanos(System.nanoTime() - start);
      await()
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  ready.getStore().list().stream().filter(FleetBenchmark::isReady).count()
                      == FLEET);
      readyTime = Duration.ofNanos(System.nanoTime() - start);
      ready.close();

      fleetCalls = minus(env.emulator.serviceRequests().snapshot(), callsBefore);
      fleetOperations = operations(fleetCalls);
      KubeRequests.Split during = kube.drain();
      fleetKube = during.operator().plus(before.operator());
      benchKube = during.bench();
      watchesOpened = startup.operator().watches() + fleetKube.watches();
      clientCalls = clientCalls(env.meters);
      meanDpsMillis = meanMillis(env.meters);

      System.gc();
      heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
      rss = rss();
      System.out.printf(
          "BENCH operator: %d enrollments Ready in %.1f s (creating them took %.1f s); %d DPS"
              + " calls (%.3f per enrollment) %s; DPS client calls %s, mean %.1f ms%n",
          FLEET,
          seconds(readyTime),
          seconds(creationTime),
          fleetOperations,
          fleetOperations / (double) FLEET,
          fleetCalls,
          clientCalls,
          meanDpsMillis);
      System.out.printf(
          "BENCH kubernetes: operator %s (watches opened since start %d); benchmark %s"
              + " (unrelated Secrets %d in %.1f s)%n",
          fleetKube, watchesOpened, benchKube, SECRETS, seconds(secretsTime));
      System.out.printf(
          "BENCH memory: heap after GC %d MiB; process %s (the whole test JVM: operator, mock"
              + " API server, emulator)%n",
          heapMb, rss);
      assertThat(fleetOperations).as("DPS calls of the operator").isPositive();
      assertThat(fleetKube.writes()).as("Kubernetes writes of the operator").isPositive();
    }

    /**
     * Restarts the operator with a short resync (the fleet phase keeps the default 5 minutes), lets
     * one interval pass for the restart's own pass, then counts two intervals.
     */
    void idle() throws Exception {
      env.operator.close();
      Map<String, String> idle = new HashMap<>(baseSettings());
      idle.putAll(settings);
      idle.put("DPS_OPERATOR_RESYNC_INTERVAL", IDLE_RESYNC);
      OperatorConfig config = OperatorConfig.fromEnv(idle);
      idleResync = config.resyncInterval();
      restarted =
          DpsOperator.start(
              config,
              new DpsOperator.Wiring(
                  env.kube,
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  Optional.empty(),
                  Optional.of(env.emulator.caCertificatePem()),
                  false,
                  false,
                  Clock.systemUTC()));
      // The restart's own pass first: its first sweep lets every status learn its etag (a fleet
      // that was Ready before any sweep). Idle begins when an interval passes without a write.
      long catchUp = System.nanoTime();
      kube.drain();
      await()
          .pollDelay(idleResync)
          .pollInterval(idleResync)
          .atMost(idleResync.multipliedBy(40))
          .until(() -> kube.drain().operator().writes() == 0);
      System.out.printf(
          "BENCH idle: the restarted operator's first pass took %.1f s%n",
          (System.nanoTime() - catchUp) / 1e9);
      Map<Kind, Long> before = env.emulator.serviceRequests().snapshot();
      long t0 = System.nanoTime();
      pause(idleResync.multipliedBy(2));
      Duration window = Duration.ofNanos(System.nanoTime() - t0);
      idleCalls = minus(env.emulator.serviceRequests().snapshot(), before);
      idleOperations = operations(idleCalls);
      idleKube = kube.drain().operator();
      resyncs = window.toMillis() / (double) idleResync.toMillis();
      System.out.printf(
          "BENCH idle: %d DPS calls in %.1f s = %.1f per resync of %s %s; Kubernetes %s%s%n",
          idleOperations,
          seconds(window),
          idleOperations / resyncs,
          IDLE_RESYNC,
          idleCalls,
          idleKube,
          quotaBound(idleOperations, window) ? " (held to the quota: a resync does not fit)" : "");
    }

    private DpsOperator restarted;

    /** K spec changes one at a time, each timed until DPS holds it. */
    void specChanges() {
      int k = Math.min(SPEC_CHANGES, FLEET);
      // Reading DPS back would spend the quota the operator runs on: then the status tells.
      latencyMethod = QUOTA == 0 ? "read back from DPS" : "status.observedGeneration";
      for (int i = 0; i < k; i++) {
        String name = "fleet-" + i;
        String value = "change-" + i;
        long t0 = System.nanoTime();
        IndividualEnrollment patched =
            bench
                .resources(IndividualEnrollment.class)
                .inNamespace(ns)
                .withName(name)
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"initialTwin\":{\"tags\":{\"bench\":\"" + value + "\"}}}}");
        long generation = patched.getMetadata().getGeneration();
        await()
            .atMost(Duration.ofMinutes(5))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> QUOTA == 0 ? dpsHolds(name, value) : observed(name) >= generation);
        latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      }
      restarted.close();
      Collections.sort(latencies);
      System.out.printf(
          "BENCH spec change: %d changes, p50 %d ms, p99 %d ms, max %d ms (%s)%n",
          latencies.size(), percentile(50), percentile(99), percentile(100), latencyMethod);
    }

    private boolean dpsHolds(String name, String value) {
      var tags = env.dps.getIndividualEnrollment(name).initialTwin();
      return tags != null
          && tags.tags() != null
          && value.equals(tags.tags().path("bench").asText());
    }

    private long observed(String name) {
      IndividualEnrollment r =
          bench.resources(IndividualEnrollment.class).inNamespace(ns).withName(name).get();
      return r.getStatus() == null || r.getStatus().getObservedGeneration() == null
          ? 0
          : r.getStatus().getObservedGeneration();
    }

    private long percentile(int p) {
      int i = (int) Math.ceil(p / 100.0 * latencies.size()) - 1;
      return latencies.get(Math.max(0, Math.min(latencies.size() - 1, i)));
    }

    void report(SdkBulkScript.Result sdk) {
      double sdkSeconds = seconds(sdk.time());
      double opSeconds = seconds(readyTime);
      StringBuilder t = new StringBuilder();
      t.append(
          String.format(
              "%nBENCH summary: %d enrollments, quota %s, keys %s, %d unrelated Secrets%n",
              FLEET, quotaLabel(), KEYS, SECRETS));
      row(t, "", "SDK bulk script", "operator");
      row(t, "time to all created / Ready", fmt(sdkSeconds) + " s", fmt(opSeconds) + " s");
      row(t, "ratio operator / SDK", "", String.format("%.2fx", opSeconds / sdkSeconds));
      row(t, "DPS calls", String.valueOf(sdk.operations()), String.valueOf(fleetOperations));
      row(
          t,
          "DPS calls per enrollment",
          String.format("%.3f", sdk.operations() / (double) FLEET),
          String.format("%.3f", fleetOperations / (double) FLEET));
      row(t, "DPS calls by kind", byKind(sdk.calls()), byKind(fleetCalls));
      row(
          t,
          "DPS 429 answers",
          String.valueOf(sdk.calls().get(Kind.THROTTLED)),
          String.valueOf(fleetCalls.get(Kind.THROTTLED)));
      row(
          t,
          "DPS time at quota (calls beyond a minute's burst / quota)",
          quotaSeconds(sdk.operations()),
          quotaSeconds(fleetOperations));
      row(t, "DPS call latency, mean", "", fmt(meanDpsMillis) + " ms");
      row(t, "Kubernetes requests of the operator", "0", fleetKube.toString());
      row(t, "watches opened by the operator", "0", String.valueOf(watchesOpened));
      row(
          t,
          "creating the resources (mock API)",
          "",
          fmt(seconds(creationTime)) + " s, " + benchKube.writes() + " writes");
      row(t, "operator time after creation", "", fmt(opSeconds - seconds(creationTime)) + " s");
      row(t, "bound", bound(sdk.operations(), sdkSeconds), operatorBound(opSeconds));
      row(t, "heap after GC / process RSS", "", heapMb + " MiB / " + rss);
      row(
          t,
          "idle: DPS calls per resync (" + IDLE_RESYNC + ")",
          "",
          String.format("%.1f %s", idleOperations / resyncs, byKind(idleCalls)));
      row(t, "idle: Kubernetes writes", "", String.valueOf(idleKube.writes()));
      row(
          t,
          "spec change -> DPS p50 / p99",
          "",
          percentile(50) + " / " + percentile(99) + " ms (" + latencyMethod + ")");
      System.out.print(t);
    }

    /** The largest of the three costs, with its share of the operator's time. */
    private String operatorBound(double opSeconds) {
      double quota = quotaTime(fleetOperations);
      double creating = seconds(creationTime);
      // 10 reconcile threads, each waiting on one DPS round trip at a time.
      double roundTrips = fleetOperations * meanDpsMillis / 1000 / 10;
      String name;
      double largest;
      if (quota >= creating && quota >= roundTrips) {
        name = "DPS quota";
        largest = quota;
      } else if (creating >= roundTrips) {
        name = "Kubernetes API (creating the resources)";
        largest = creating;
      } else {
        name = "DPS round trips on 10 reconcile threads";
        largest = roundTrips;
      }
      return String.format(
          "%s: %.0f%% of the time (quota %.0f s, creating %.0f s, round trips %.0f s)",
          name, 100 * largest / opSeconds, quota, creating, roundTrips);
    }

    private String bound(long calls, double secs) {
      double quota = quotaTime(calls);
      return quota >= 0.5 * secs
          ? String.format("DPS quota: %.0f%% of the time", 100 * quota / secs)
          : String.format("DPS round trips, one at a time: %.0f ms each", secs * 1000 / calls);
    }

    private Map<String, String> baseSettings() {
      return Map.of(
          "DPS_OPERATOR_NAMESPACE", OperatorTestEnvironment.OPERATOR_NAMESPACE,
          "DPS_OPERATOR_ID_SCOPE", env.emulator.idScope(),
          "DPS_OPERATOR_DEVICE_ENDPOINT", env.emulator.deviceEndpoint());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static boolean isReady(IndividualEnrollment r) {
    return Conditions.ready(r.getStatus()).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** True when the calls used at least 80% of the quota over the time. */
  private static boolean quotaBound(long calls, Duration time) {
    return QUOTA > 0 && calls >= 0.8 * QUOTA * time.toMillis() / 60_000.0;
  }

  private static String quotaSeconds(long calls) {
    return QUOTA == 0 ? "-" : fmt(quotaTime(calls)) + " s";
  }

  /**
   * The least time the quota allows for {@code calls} from a rested start: DPS's quota, like the
   * emulator's token bucket, lets a minute's worth go at once, then refills at the quota's rate.
   */
  private static double quotaTime(long calls) {
    return QUOTA == 0 ? 0 : Math.max(0, calls - QUOTA) * 60.0 / QUOTA;
  }

  private static String quotaLabel() {
    return QUOTA == 0 ? "unthrottled" : QUOTA + " ops/min";
  }

  private static void pause(Duration d) {
    await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
  }

  private static Map<Kind, Long> minus(Map<Kind, Long> after, Map<Kind, Long> before) {
    Map<Kind, Long> d = new EnumMap<>(Kind.class);
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  private static long operations(Map<Kind, Long> calls) {
    return calls.entrySet().stream()
        .filter(e -> e.getKey() != Kind.THROTTLED)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static String byKind(Map<Kind, Long> calls) {
    StringBuilder b = new StringBuilder();
    calls.forEach(
        (k, v) -> {
          if (v > 0 && k != Kind.THROTTLED) {
            b.append(b.length() == 0 ? "" : ", ")
                .append(k.name().toLowerCase())
                .append(' ')
                .append(v);
          }
        });
    return b.length() == 0 ? "none" : b.toString();
  }

  /** The operator's DPS client calls by operation, from {@code dps.client.requests}. */
  private static Map<String, Long> clientCalls(MeterRegistry meters) {
    Map<String, Long> calls = new TreeMap<>();
    for (Timer t : meters.find("dps.client.requests").timers()) {
      calls.merge(t.getId().getTag("operation"), t.count(), Long::sum);
    }
    return calls;
  }

  private static double meanMillis(MeterRegistry meters) {
    long count = 0;
    double total = 0;
    for (Timer t : meters.find("dps.client.requests").timers()) {
      count += t.count();
      total += t.totalTime(TimeUnit.MILLISECONDS);
    }
    return count == 0 ? 0 : total / count;
  }

  /** VmRSS and VmHWM (peak) of this JVM, from /proc/self/status. */
  private static String rss() {
    try {
      Map<String, String> v = new HashMap<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          v.put(line.substring(0, 5), (kb >> 10) + " MiB");
        }
      }
      return v.get("VmRSS") + " (peak " + v.get("VmHWM") + ")";
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static void row(StringBuilder t, String what, String sdk, String operator) {
    t.append(String.format("| %-40s | %-24s | %s |%n", what, sdk, operator));
  }

  private static String fmt(double d) {
    return String.format("%.1f", d);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
