package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsClients;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.operator.sync.Reasons;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An outage of one DPS (A) does not hold back the resources of another (B): while A accepts
 * connections and never answers, a change to a resource on B still reaches B within two seconds,
 * every time; when A answers again, its resources converge by themselves, changes made during the
 * outage included.
 *
 * <p>The outage lasts {@link #OUTAGE}, not the two minutes of the issue: what has to hold is that
 * no reconcile thread waits on A for longer than one request timeout ({@code 5s} here, so the first
 * calls that hang end within the window) and that A's circuit goes through several open/probe
 * cycles ({@code 5s} each) while B is changed again and again. Thirty seconds is six request
 * timeouts and five probe cycles; a longer window repeats the same cycle.
 */
class DpsOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int RESOURCES_ON_A = 50;
  private static final Duration B_DEADLINE = Duration.ofSeconds(2);

  private OperatorTestEnvironment env;
  private DpsEmulator dpsA;
  private TcpGate gate;
  private DpsClient clientA;

  @BeforeEach
  void start() throws Exception {
    // The operator-wide DPS of the environment is B; A shares its CA, so one bundle trusts both.
    env =
        OperatorTestEnvironment.start(
            Map.of(
                "DPS_OPERATOR_RESYNC_INTERVAL", "3s",
                // Enough client-side quota that only the outage fails calls.
                "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "100000"));
    dpsA =
        DpsEmulator.builder()
            .port(0)
            .certificateDirectory(env.emulator.caCertificateFile().getParent())
            .build()
            .start();
    gate = new TcpGate(dpsA.port());
    clientA =
        DpsClients.create(
            DpsClientConfig.builder(dpsA.serviceConnectionString())
                .caBundlePem(dpsA.caCertificatePem())
                .maxRetries(0)
                .build(),
            new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() throws Exception {
    if (clientA != null) {
      clientA.close();
    }
    if (gate != null) {
      gate.close();
    }
    if (dpsA != null) {
      dpsA.close();
    }
    if (env != null) {
      env.close();
    }
  }

  @Test
  void anOutageOfOneDpsDoesNotHoldBackAnother() {
    assertThat(env.emulator.caCertificatePem()).isEqualTo(dpsA.caCertificatePem());
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    env.secret(
        ns,
        "dps-a",
        Map.of(
            "connectionString",
            dpsA.serviceConnectionString()
                .replace("localhost:" + dpsA.port(), "localhost:" + gate.port())));
    List<IndividualEnrollment> onA = new ArrayList<>();
    for (int i = 0; i < RESOURCES_ON_A; i++) {
      onA.add(
          env.kube
              .resource(
                  Fixtures.enrollment(
                      ns,
                      "a-" + i,
                      Fixtures.keysFromSecret("keys")
                          .andThen(s -> s.setConnectionSecretRef(ref("dps-a")))))
              .create());
    }
    IndividualEnrollment onB =
        env.kube.resource(Fixtures.enrollment(ns, "b-0", Fixtures.keysFromSecret("keys"))).create();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(onA).allSatisfy(r -> assertReady(r));
              assertReady(onB);
            });
    assertThat(clientA.queryAllIndividualEnrollments(100)).hasSize(RESOURCES_ON_A);

    gate.blackhole();
    Instant end = Instant.now().plus(OUTAGE);
    int changes = 0;
    boolean editedA = false;
    while (Instant.now().isBefore(end)) {
      String deviceId = "b-device-" + changes;
      setDeviceId(ns, "b-0", deviceId);
      Awaitility.await()
          .atMost(B_DEADLINE)
          .pollInterval(Duration.ofMillis(50))
          .untilAsserted(
              () ->
                  assertThat(env.dps.getIndividualEnrollment("b-0").deviceId())
                      .isEqualTo(deviceId));
      changes++;
      if (!editedA) {
        // A user edits every resource on A during the outage; A must get the edits later.
        for (IndividualEnrollment r : onA) {
          setDeviceId(ns, r.getMetadata().getName(), r.getMetadata().getName() + "-edited");
        }
        editedA = true;
      }
    }
    assertThat(changes).isGreaterThan(5);
    // The outage was real: A's resources said so, and A kept the old records.
    assertThat(env.ready(onA.get(0)))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(Reasons.DPS_UNAVAILABLE));
    assertThat(clientA.getIndividualEnrollment("a-0").deviceId()).isNotEqualTo("a-0-edited");

    gate.open();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(clientA.queryAllIndividualEnrollments(100))
                  .hasSize(RESOURCES_ON_A)
                  .allSatisfy(
                      e -> assertThat(e.deviceId()).isEqualTo(e.registrationId() + "-edited"));
              assertThat(onA).allSatisfy(r -> assertReady(r));
            });
  }

  private void assertReady(IndividualEnrollment r) {
    assertThat(env.ready(r))
        .as("Ready of %s", r.getMetadata().getName())
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  /** A user's edit: a merge patch of the spec, which the operator's status writes cannot race. */
  private void setDeviceId(String ns, String name, String deviceId) {
    env.kube
        .resources(IndividualEnrollment.class)
        .inNamespace(ns)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"deviceId\":\"" + deviceId + "\"}}");
  }

  private static ConnectionSecretRef ref(String name) {
    ConnectionSecretRef ref = new ConnectionSecretRef();
    ref.setName(name);
    return ref;
  }
}
