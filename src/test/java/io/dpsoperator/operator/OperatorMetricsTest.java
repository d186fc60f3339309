package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.dps.InstrumentedDpsClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus scrapes from a running operator: per-resource readiness in cert-manager's shape,
 * DPS call durations as a histogram, and the process and JVM metrics (docs/metrics.md).
 */
class OperatorMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = OperatorTestEnvironment.start(Map.of("DPS_OPERATOR_RESYNC_INTERVAL", "1s"));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void readinessIsOneSeriesPerConditionValueAndGoesWithTheResource() {
    String ns = env.newNamespace();
    IndividualEnrollment ready =
        env.kube.resource(enrollment(ns, "metered-ok", Fixtures.generatedKeys())).create();
    IndividualEnrollment broken =
        env.kube
            .resource(enrollment(ns, "metered-broken", Fixtures.keysFromSecret("no-such-secret")))
            .create();

    env.awaitReady(ready, "True", "Synced");
    env.awaitReady(broken, "False", "SecretNotFound");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(readiness(ns, "metered-ok", "True")).isEqualTo(1.0);
              assertThat(readiness(ns, "metered-ok", "False")).isEqualTo(0.0);
              assertThat(readiness(ns, "metered-ok", "Unknown")).isEqualTo(0.0);
              assertThat(readiness(ns, "metered-broken", "True")).isEqualTo(0.0);
              assertThat(readiness(ns, "metered-broken", "False")).isEqualTo(1.0);
            });

    // Fixing the cause flips the series.
    env.randomKeysSecret(ns, "no-such-secret");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(readiness(ns, "metered-broken", "True")).isEqualTo(1.0);
              assertThat(readiness(ns, "metered-broken", "False")).isEqualTo(0.0);
            });

    env.kube.resource(ready).delete();
    // One series per status and resource, whatever the number of reconciles.
    assertThat(env.meters.scrape().lines())
        .filteredOn(l -> l.startsWith(ReadinessGauges.METRIC + "{"))
        .filteredOn(l -> l.contains("name=\"metered-broken\""))
        .hasSize(3);
    await().atMost(WAIT).until(() -> readiness(ns, "metered-ok", "True") == null);
    assertThat(readiness(ns, "metered-ok", "False")).isNull();
    assertThat(readiness(ns, "metered-broken", "True")).isEqualTo(1.0);
  }

  @Test
  void dpsCallDurationsAreAHistogramWithBuckets() {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "timed", Fixtures.generatedKeys())).create();
    env.awaitReady(r, "True", "Synced");

    String scrape = env.meters.scrape();
    for (Duration bucket : InstrumentedDpsClient.BUCKETS) {
      String le = Double.toString(bucket.toNanos() / 1e9);
      assertThat(scrape)
          .containsPattern("dps_client_requests_seconds_bucket\\{[^}]*le=\"" + le + "\"");
    }
    assertThat(scrape)
        .containsPattern("dps_client_requests_seconds_bucket\\{[^}]*le=\"\\+Inf\"")
        .contains("dps_client_requests_seconds_count{");
  }

  @Test
  void everyMetricOfThisProjectIsDocumented() throws Exception {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "documented", Fixtures.generatedKeys())).create();
    env.awaitReady(r, "True", "Synced");
    String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs/metrics.md"));

    Matcher names =
        Pattern.compile("(?m)^(dps_\\w+?)(?:_bucket|_count|_sum|_max|_total)?[{ ]")
            .matcher(env.meters.scrape());
    java.util.Set<String> found = new java.util.TreeSet<>();
    while (names.find()) {
      found.add(names.group(1));
    }
    assertThat(found).contains(ReadinessGauges.METRIC, "dps_client_requests_seconds");
    assertThat(found).allSatisfy(name -> assertThat(docs).contains("`" + name));
  }

  @Test
  void processAndJvmMetricsAreBound() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ProcessMetrics metrics = ProcessMetrics.bindTo(registry)) {
      System.gc();
      String scrape = registry.scrape();

      assertThat(scrape)
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads")
          .contains("jvm_classes_loaded_classes")
          .contains("process_cpu_usage")
          .contains("process_uptime_seconds")
          .contains("process_files_open_files")
          .contains("jvm_gc_");
    }
  }

  /** The value of one readiness series, or null when it is not exported. */
  private static Double readiness(String namespace, String name, String condition) {
    Matcher m =
        Pattern.compile(
                Pattern.quote(ReadinessGauges.METRIC)
                    + "\\{condition=\""
                    + condition
                    + "\",kind=\"IndividualEnrollment\",name=\""
                    + Pattern.quote(name)
                    + "\",namespace=\""
                    + Pattern.quote(namespace)
                    + "\"} (\\S+)")
            .matcher(env.meters.scrape());
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }
}
