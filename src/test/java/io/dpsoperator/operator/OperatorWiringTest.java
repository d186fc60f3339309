package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.EmulatorRight;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator as {@code run} wires it: health and metrics endpoint, leader election by Lease,
 * watched namespaces, the per-resource connection choice, and failure reasons.
 */
class OperatorWiringTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String OWNER_KEY = Fixtures.randomKey();
  private static final String READER_KEY = Fixtures.randomKey();
  private static OperatorTestEnvironment env;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    env =
        OperatorTestEnvironment.start(
            Map.of(
                "DPS_OPERATOR_HTTP_PORT", String.valueOf(port),
                "DPS_OPERATOR_LEADER_ELECTION", "true",
                "DPS_OPERATOR_WATCH_NAMESPACES", "watched-a,watched-b"),
            b ->
                b.policy(DpsEmulator.DEFAULT_POLICY, OWNER_KEY, EnumSet.allOf(EmulatorRight.class))
                    .policy("reader", READER_KEY, EnumSet.of(EmulatorRight.ENROLLMENT_READ)));
    for (String ns : new String[] {"watched-a", "watched-b", "ignored"}) {
      env.kube
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private Optional<io.fabric8.kubernetes.api.model.Condition> ready(String ns, String name) {
    IndividualEnrollment r =
        env.kube.resources(IndividualEnrollment.class).inNamespace(ns).withName(name).get();
    return r == null ? Optional.empty() : Conditions.ready(r.getStatus());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthReadinessAndMetricsOnOnePort() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> get("/readyz").statusCode() == 200);
    env.randomKeysSecret("watched-a", "keys");
    env.kube
        .resource(enrollment("watched-a", "metered-01", Fixtures.keysFromSecret("keys")))
        .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                ready("watched-a", "metered-01")
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));
    String metrics = get("/metrics").body();
    assertThat(metrics).contains("dps_client_requests");
    assertThat(metrics).contains("operator_sdk_reconciliations");
    assertThat(metrics).doesNotContain(OWNER_KEY);
  }

  @Test
  void secretsAreWatchedPerNamespaceNotPerSecret() throws Exception {
    env.randomKeysSecret("watched-a", "keys-4");
    env.randomKeysSecret("watched-a", "keys-5");
    env.secret("watched-a", "unrelated", Map.of("password", "hunter2"));
    env.kube
        .resource(enrollment("watched-a", "scoped-01", Fixtures.keysFromSecret("keys-4")))
        .create();
    env.kube
        .resource(enrollment("watched-a", "scoped-02", Fixtures.keysFromSecret("keys-5")))
        .create();
    for (String name : new String[] {"scoped-01", "scoped-02"}) {
      await()
          .atMost(WAIT)
          .until(
              () -> ready("watched-a", name).map(c -> "True".equals(c.getStatus())).orElse(false));
    }
    java.util.List<String> secretReads = new java.util.ArrayList<>();
    for (var request = env.server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        request != null;
        request = env.server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      String path = request.getPath();
      if ("GET".equals(request.getMethod()) && path.contains("/secrets")) {
        secretReads.add(path);
      }
    }
    // Watches: per watched namespace for all its Secrets, by name in the operator's namespace.
    assertThat(secretReads)
        .filteredOn(path -> path.contains("watch=true"))
        .allSatisfy(
            path ->
                assertThat(path)
                    .satisfiesAnyOf(
                        p ->
                            assertThat(p)
                                .startsWith("/api/v1/namespaces/watched-a/secrets?")
                                .doesNotContain("fieldSelector"),
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "/api/v1/namespaces/"
                                        + OperatorTestEnvironment.OPERATOR_NAMESPACE
                                        + "/secrets?")
                                .contains("fieldSelector=metadata.name%3Ddps-connection")))
        .noneMatch(path -> path.contains("keys-4") || path.contains("keys-5"));
    assertThat(secretReads)
        .anyMatch(
            p -> p.startsWith("/api/v1/namespaces/watched-a/secrets?") && p.contains("watch=true"));
    // The data of a Secret no resource refers to is never read on its own.
    assertThat(secretReads).noneMatch(path -> path.contains("unrelated"));
  }

  @Test
  void leaderElectionHoldsALease() {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Lease lease =
                  env.kube
                      .leases()
                      .inNamespace(OperatorTestEnvironment.OPERATOR_NAMESPACE)
                      .withName("dps-operator-leader")
                      .get();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
            });
  }

  @Test
  void onlyWatchedNamespacesAreReconciled() {
    env.randomKeysSecret("watched-b", "keys");
    env.randomKeysSecret("ignored", "keys");
    env.kube
        .resource(enrollment("ignored", "ignored-01", Fixtures.keysFromSecret("keys")))
        .create();
    env.kube
        .resource(enrollment("watched-b", "watched-01", Fixtures.keysFromSecret("keys")))
        .create();
    await().atMost(WAIT).until(() -> ready("watched-b", "watched-01").isPresent());
    assertThat(ready("ignored", "ignored-01")).isEmpty();
    assertThat(
            env.kube
                .resources(IndividualEnrollment.class)
                .inNamespace("ignored")
                .withName("ignored-01")
                .get()
                .getMetadata()
                .getFinalizers())
        .isNullOrEmpty();
  }

  @Test
  void perResourceConnectionWithoutWriteRightIsReportedAsUnauthorized() {
    env.randomKeysSecret("watched-a", "keys-2");
    env.secret(
        "watched-a",
        "read-only-dps",
        Map.of("connectionString", env.emulator.serviceConnectionString("reader")));
    env.kube
        .resource(
            enrollment(
                "watched-a",
                "readonly-01",
                Fixtures.keysFromSecret("keys-2")
                    .andThen(
                        s -> {
                          ConnectionSecretRef ref = new ConnectionSecretRef();
                          ref.setName("read-only-dps");
                          s.setConnectionSecretRef(ref);
                        })))
        .create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ready("watched-a", "readonly-01"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("DpsUnauthorized");
                          assertThat(c.getMessage()).doesNotContain(READER_KEY);
                        }));
  }

  @Test
  void aFixedConnectionSecretTakesEffectWithoutUserAction() {
    env.randomKeysSecret("watched-b", "keys-5");
    env.secret(
        "watched-b",
        "team-dps",
        Map.of("connectionString", env.emulator.serviceConnectionString("reader")));
    env.kube
        .resource(
            enrollment(
                "watched-b",
                "rotated-01",
                Fixtures.keysFromSecret("keys-5")
                    .andThen(
                        s -> {
                          ConnectionSecretRef ref = new ConnectionSecretRef();
                          ref.setName("team-dps");
                          s.setConnectionSecretRef(ref);
                        })))
        .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                ready("watched-b", "rotated-01")
                    .map(c -> "DpsUnauthorized".equals(c.getReason()))
                    .orElse(false));
    env.secret(
        "watched-b",
        "team-dps",
        Map.of(
            "connectionString", env.emulator.serviceConnectionString(DpsEmulator.DEFAULT_POLICY)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                ready("watched-b", "rotated-01")
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));
  }

  @Test
  void throttlingIsReportedAndRecovers() {
    env.randomKeysSecret("watched-b", "keys-3");
    env.emulator.faults().failureRate(429, 1.0);
    try {
      env.kube
          .resource(enrollment("watched-b", "throttled-01", Fixtures.keysFromSecret("keys-3")))
          .create();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  ready("watched-b", "throttled-01")
                      .map(c -> "Throttled".equals(c.getReason()))
                      .orElse(false));
    } finally {
      env.emulator.faults().clear();
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                ready("watched-b", "throttled-01")
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));
  }
}
