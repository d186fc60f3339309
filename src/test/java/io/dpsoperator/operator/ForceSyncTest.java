package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.ReconcilePolicy;
import io.dpsoperator.device.DeviceRegistrationClient;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.operator.reconciler.ResourceControls;
import io.dpsoperator.operator.sync.Conditions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The force-sync annotation (issue #11): with a sweep interval far longer than the test, a change
 * made in DPS is seen only when the annotation gets a new value, and then at once: the record, its
 * keys and the registration state are read by themselves.
 */
class ForceSyncTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration QUICK = Duration.ofSeconds(10);
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env =
        OperatorTestEnvironment.start(
            Map.of(
                "DPS_OPERATOR_RESYNC_INTERVAL", "10m",
                "DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "1h"));
    await().pollInterval(Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static IndividualEnrollment get(IndividualEnrollment r) {
    return env.fresh(r);
  }

  private static void forceSync(IndividualEnrollment r, String value) {
    env.kube
        .resource(get(r))
        .edit(
            e -> {
              Map<String, String> annotations = new HashMap<>();
              if (e.getMetadata().getAnnotations() != null) {
                annotations.putAll(e.getMetadata().getAnnotations());
              }
              annotations.put(ResourceControls.FORCE_SYNC_ANNOTATION, value);
              e.getMetadata().setAnnotations(annotations);
              return e;
            });
  }

  /** Disables the record and gives it other keys, outside the operator. */
  private static void changeInDps(String id) {
    var held = env.dps.getIndividualEnrollment(id);
    env.dps.createOrUpdateIndividualEnrollment(
        held.toBuilder()
            .attestation(
                AttestationMechanism.symmetricKey(
                    new SymmetricKeyAttestation(Fixtures.randomKey(), Fixtures.randomKey())))
            .provisioningStatus(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED)
            .build(),
        IfMatch.etag(held.etag()));
  }

  @Test
  void aNewValueReadsTheRecordItsKeysAndRegistrationAtOnce() throws Exception {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "forced-01", Fixtures.keysFromSecret("keys"))).create();
    env.awaitReady(r, "True", "Synced");

    try (DeviceRegistrationClient device =
        DeviceRegistrationClient.builder()
            .endpoint(env.emulator.deviceEndpoint())
            .idScope(env.emulator.idScope())
            .trustedCaPem(env.emulator.caCertificatePem())
            .build()) {
      assertThat(device.registerWithSymmetricKey("forced-01", primary, Optional.empty()).status())
          .isEqualTo("assigned");
    }
    changeInDps("forced-01");
    String changed = env.dps.getIndividualEnrollment("forced-01").etag();
    // The inventory is swept every 10 minutes: nothing sees the change meanwhile.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .until(
            () ->
                changed.equals(env.dps.getIndividualEnrollment("forced-01").etag())
                    && get(r).getStatus().getRegistrationState() == null);

    forceSync(r, "1");
    await()
        .atMost(QUICK)
        .untilAsserted(
            () -> {
              assertThat(env.dps.getIndividualEnrollment("forced-01").provisioningStatus())
                  .isEqualTo(io.dpsoperator.dps.model.ProvisioningStatus.ENABLED);
              assertThat(
                      env.dps
                          .getIndividualEnrollmentAttestationMechanism("forced-01")
                          .symmetricKey())
                  .isEqualTo(new SymmetricKeyAttestation(primary, secondary));
              var status = get(r).getStatus();
              assertThat(status.getLastForceSync()).isEqualTo("1");
              assertThat(status.getRegistrationState()).isNotNull();
              assertThat(status.getRegistrationState().getStatus()).isEqualTo("assigned");
            });
    assertThat(env.hasEvent(r, "ForceSynced")).isTrue();

    // The same value again is not a new request; a new value is.
    changeInDps("forced-01");
    String again = env.dps.getIndividualEnrollment("forced-01").etag();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> again.equals(env.dps.getIndividualEnrollment("forced-01").etag()));
    forceSync(r, "2");
    await()
        .atMost(QUICK)
        .until(
            () ->
                env.dps.getIndividualEnrollment("forced-01").provisioningStatus()
                        == io.dpsoperator.dps.model.ProvisioningStatus.ENABLED
                    && "2".equals(get(r).getStatus().getLastForceSync()));
  }

  @Test
  void underObserveItRefreshesTheDriftReport() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.dps.createOrUpdateIndividualEnrollment(
        io.dpsoperator.dps.model.IndividualEnrollment.builder("forced-observed")
            .attestation(
                AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(primary, secondary)))
            .build(),
        IfMatch.absent());
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    IndividualEnrollment r =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "forced-observed",
                    Fixtures.keysFromSecret("keys")
                        .andThen(s -> s.setReconcilePolicy(ReconcilePolicy.OBSERVE))))
            .create();
    env.awaitReady(r, "True", "Observed");
    await()
        .atMost(WAIT)
        .until(
            () ->
                Conditions.get(get(r).getStatus(), Conditions.IN_SYNC)
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));

    changeInDps("forced-observed");
    String changed = env.dps.getIndividualEnrollment("forced-observed").etag();
    forceSync(r, "now");
    await()
        .atMost(QUICK)
        .untilAsserted(
            () -> {
              var inSync = Conditions.get(get(r).getStatus(), Conditions.IN_SYNC).orElseThrow();
              assertThat(inSync.getStatus()).isEqualTo("False");
              assertThat(inSync.getMessage())
                  .contains("provisioningStatus")
                  .contains("secret material");
              assertThat(get(r).getStatus().getEtag()).isEqualTo(changed);
            });
    assertThat(env.dps.getIndividualEnrollment("forced-observed").etag())
        .as("Observe never writes, forced or not")
        .isEqualTo(changed);
  }
}
