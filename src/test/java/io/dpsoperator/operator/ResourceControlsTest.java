package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.AdoptionPolicy;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.ProvisioningStatus;
import io.dpsoperator.api.v1alpha1.ReconcilePolicy;
import io.dpsoperator.api.v1alpha1.SecretTemplate;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.operator.reconciler.ResourceControls;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-resource control (issue #11) end to end, against the mock Kubernetes API and the DPS
 * emulator: reconcile policy Observe, adoption policies, the pause annotation and the Secret
 * template. The inventory sweeps every 2 s here, so "holds through a few sweeps" is a few seconds.
 */
class ResourceControlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration SEVERAL_SWEEPS = Duration.ofSeconds(7);
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = OperatorTestEnvironment.start();
    await().pollInterval(Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static IndividualEnrollment apply(IndividualEnrollment r) {
    return env.kube.resource(r).create();
  }

  private static IndividualEnrollment get(IndividualEnrollment r) {
    return env.fresh(r);
  }

  private static Optional<Condition> condition(IndividualEnrollment r, String type) {
    IndividualEnrollment now = get(r);
    return now == null ? Optional.empty() : Conditions.get(now.getStatus(), type);
  }

  private static Optional<io.dpsoperator.dps.model.IndividualEnrollment> inDps(String id) {
    try {
      return Optional.of(env.dps.getIndividualEnrollment(id));
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * A record made in DPS outside the operator, with these keys, in a second before the resource
   * that will claim it is created (a record created at or after its resource's creation second
   * counts as the operator's own).
   */
  private static String existing(String id, String primary, String secondary) {
    env.dps.createOrUpdateIndividualEnrollment(
        io.dpsoperator.dps.model.IndividualEnrollment.builder(id)
            .attestation(
                AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(primary, secondary)))
            .build(),
        IfMatch.absent());
    var held = inDps(id).orElseThrow();
    Fixtures.awaitNextSecond(held.createdDateTimeUtc());
    return held.etag();
  }

  private static void annotate(IndividualEnrollment r, String key, String value) {
    env.kube
        .resource(get(r))
        .edit(
            e -> {
              var annotations = new java.util.HashMap<String, String>();
              if (e.getMetadata().getAnnotations() != null) {
                annotations.putAll(e.getMetadata().getAnnotations());
              }
              if (value == null) {
                annotations.remove(key);
              } else {
                annotations.put(key, value);
              }
              e.getMetadata().setAnnotations(annotations);
              return e;
            });
  }

  private static void disableInDps(String id) {
    var held = inDps(id).orElseThrow();
    env.dps.createOrUpdateIndividualEnrollment(
        held.toBuilder()
            .attestation(env.dps.getIndividualEnrollmentAttestationMechanism(id))
            .provisioningStatus(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED)
            .build(),
        IfMatch.etag(held.etag()));
  }

  @Test
  void observeMirrorsDpsReportsDriftAndNeverWrites() {
    String ns = env.newNamespace();
    String etag = existing("observed-01", Fixtures.randomKey(), Fixtures.randomKey());
    env.randomKeysSecret(ns, "other-keys");
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "observed-01",
                Fixtures.keysFromSecret("other-keys")
                    .andThen(s -> s.setReconcilePolicy(ReconcilePolicy.OBSERVE))
                    .andThen(s -> s.setProvisioningStatus(ProvisioningStatus.DISABLED))));

    env.awaitReady(r, "True", "Observed");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(r, Conditions.IN_SYNC))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("Drifted");
                          assertThat(c.getMessage())
                              .contains("provisioningStatus")
                              .contains("secret material");
                        }));
    assertThat(get(r).getStatus().getEtag()).isEqualTo(etag);
    assertThat(get(r).getStatus().getOwnership()).isNull();
    assertThat(env.hasEvent(r, "Drifted")).isTrue();
    // Sweeps and resyncs go by: DPS keeps what it had.
    await()
        .during(SEVERAL_SWEEPS)
        .atMost(SEVERAL_SWEEPS.plusSeconds(5))
        .until(() -> etag.equals(inDps("observed-01").orElseThrow().etag()));

    // A change in DPS shows in the status; a DPS that matches the spec is InSync.
    var held = inDps("observed-01").orElseThrow();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.secret(ns, "other-keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    env.dps.createOrUpdateIndividualEnrollment(
        held.toBuilder()
            .attestation(
                AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(primary, secondary)))
            .provisioningStatus(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED)
            .build(),
        IfMatch.etag(held.etag()));
    String changed = inDps("observed-01").orElseThrow().etag();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(condition(r, Conditions.IN_SYNC).orElseThrow().getStatus())
                  .isEqualTo("True");
              assertThat(get(r).getStatus().getEtag()).isEqualTo(changed);
            });

    // Deleting an observed resource leaves DPS alone, whatever its deletionPolicy.
    env.kube.resource(get(r)).delete();
    await().atMost(WAIT).until(() -> get(r) == null);
    assertThat(inDps("observed-01").orElseThrow().etag()).isEqualTo(changed);
  }

  @Test
  void observeOfAMissingRecordCreatesNothing() {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "observed-missing",
                Fixtures.generatedKeys()
                    .andThen(s -> s.setReconcilePolicy(ReconcilePolicy.OBSERVE))));

    env.awaitReady(r, "False", "NotFoundInDps");
    assertThat(env.ready(r).orElseThrow().getMessage()).contains("reconcilePolicy");
    await()
        .during(SEVERAL_SWEEPS)
        .atMost(SEVERAL_SWEEPS.plusSeconds(5))
        .until(
            () ->
                inDps("observed-missing").isEmpty()
                    && env.kube
                            .secrets()
                            .inNamespace(ns)
                            .withName("observed-missing-dps-keys")
                            .get()
                        == null);

    // Switching to Manage creates it: the operator's own record from then on.
    env.kube
        .resource(get(r))
        .edit(
            e -> {
              e.getSpec().setReconcilePolicy(ReconcilePolicy.MANAGE);
              return e;
            });
    env.awaitReady(r, "True", "Synced");
    await().atMost(WAIT).until(() -> inDps("observed-missing").isPresent());
    assertThat(get(r).getStatus().getOwnership()).isEqualTo("Created");
    assertThat(condition(r, Conditions.IN_SYNC)).isEmpty();
  }

  @Test
  void anAdoptedRecordIsNotDeletedUnlessAdoptAndOwn() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    existing("adopt-keep", primary, secondary);
    existing("adopt-own", primary, secondary);
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    IndividualEnrollment kept =
        apply(enrollment(ns, "adopt-keep", Fixtures.keysFromSecret("keys")));
    IndividualEnrollment owned =
        apply(
            enrollment(
                ns,
                "adopt-own",
                Fixtures.keysFromSecret("keys")
                    .andThen(s -> s.setAdoptionPolicy(AdoptionPolicy.ADOPT_AND_OWN))));
    env.awaitReady(kept, "True", "Synced");
    env.awaitReady(owned, "True", "Synced");
    await().atMost(WAIT).until(() -> env.hasEvent(kept, "Adopted"));
    assertThat(get(kept).getStatus().getOwnership()).isEqualTo("Adopted");
    assertThat(get(owned).getStatus().getOwnership()).isEqualTo("Adopted");

    IndividualEnrollment keptBefore = get(kept);
    IndividualEnrollment ownedBefore = get(owned);
    env.kube.resource(keptBefore).delete();
    env.kube.resource(ownedBefore).delete();
    await().atMost(WAIT).until(() -> get(kept) == null && get(owned) == null);
    assertThat(inDps("adopt-keep")).as("adopted, never deleted by default").isPresent();
    assertThat(inDps("adopt-own")).as("AdoptAndOwn: deletionPolicy Delete applies").isEmpty();
    assertThat(env.hasEvent(keptBefore, "Orphaned")).isTrue();
  }

  @Test
  void refusedAdoptionLeavesTheRecordAlone() {
    String ns = env.newNamespace();
    String etag = existing("refused-01", Fixtures.randomKey(), Fixtures.randomKey());
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "refused-01",
                Fixtures.keysFromSecret("keys")
                    .andThen(s -> s.setAdoptionPolicy(AdoptionPolicy.REFUSE))));

    env.awaitReady(r, "False", "AdoptionRefused");
    await().atMost(WAIT).until(() -> env.hasEvent(r, "AdoptionRefused"));
    assertThat(env.ready(r).orElseThrow().getMessage()).contains("adoptionPolicy");
    await()
        .during(SEVERAL_SWEEPS)
        .atMost(SEVERAL_SWEEPS.plusSeconds(5))
        .until(() -> etag.equals(inDps("refused-01").orElseThrow().etag()));

    env.kube.resource(get(r)).delete();
    await().atMost(WAIT).until(() -> get(r) == null);
    assertThat(inDps("refused-01").orElseThrow().etag()).isEqualTo(etag);
  }

  @Test
  void aNewRecordWithRefuseIsCreatedAndOwned() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "refuse-new",
                Fixtures.keysFromSecret("keys")
                    .andThen(s -> s.setAdoptionPolicy(AdoptionPolicy.REFUSE))));
    env.awaitReady(r, "True", "Synced");
    assertThat(get(r).getStatus().getOwnership()).isEqualTo("Created");

    env.kube.resource(get(r)).delete();
    await().atMost(WAIT).until(() -> get(r) == null);
    assertThat(inDps("refuse-new")).isEmpty();
  }

  @Test
  void pauseHoldsThroughDriftAndResumingCorrectsIt() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r = apply(enrollment(ns, "paused-01", Fixtures.keysFromSecret("keys")));
    env.awaitReady(r, "True", "Synced");

    annotate(r, ResourceControls.PAUSED_ANNOTATION, "true");
    await()
        .atMost(WAIT)
        .until(
            () ->
                condition(r, Conditions.PAUSED)
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));
    assertThat(env.hasEvent(r, "Paused")).isTrue();

    disableInDps("paused-01");
    String drifted = inDps("paused-01").orElseThrow().etag();
    env.awaitReady(r, "False", "Paused");
    assertThat(condition(r, Conditions.IN_SYNC).orElseThrow().getMessage())
        .contains("provisioningStatus");
    await()
        .during(SEVERAL_SWEEPS)
        .atMost(SEVERAL_SWEEPS.plusSeconds(5))
        .until(() -> drifted.equals(inDps("paused-01").orElseThrow().etag()));

    // A paused resource is not deleted from DPS either: its deletion waits.
    annotate(r, ResourceControls.PAUSED_ANNOTATION, null);
    env.awaitReady(r, "True", "Synced");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(inDps("paused-01").orElseThrow().provisioningStatus())
                  .isEqualTo(io.dpsoperator.dps.model.ProvisioningStatus.ENABLED);
              assertThat(condition(r, Conditions.PAUSED)).isEmpty();
              assertThat(condition(r, Conditions.IN_SYNC)).isEmpty();
            });
    assertThat(env.hasEvent(r, "Resumed")).isTrue();
  }

  @Test
  void deletionOfAPausedResourceWaitsForItToResume() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        apply(enrollment(ns, "paused-delete", Fixtures.keysFromSecret("keys")));
    env.awaitReady(r, "True", "Synced");
    annotate(r, ResourceControls.PAUSED_ANNOTATION, "true");
    await().atMost(WAIT).until(() -> condition(r, Conditions.PAUSED).isPresent());

    env.kube.resource(get(r)).delete();
    await().atMost(WAIT).until(() -> env.hasEvent(r, "DeletionPaused"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(8))
        .until(() -> get(r) != null && inDps("paused-delete").isPresent());

    annotate(r, ResourceControls.PAUSED_ANNOTATION, null);
    await().atMost(WAIT).until(() -> get(r) == null);
    assertThat(inDps("paused-delete")).isEmpty();
  }

  @Test
  void anObservedGroupReportsDriftAndIsNeverWritten() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.dps.createOrUpdateEnrollmentGroup(
        io.dpsoperator.dps.model.EnrollmentGroup.builder("observed-group")
            .attestation(
                AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(primary, secondary)))
            .build(),
        IfMatch.absent());
    String etag = env.dps.getEnrollmentGroup("observed-group").etag();
    Fixtures.awaitNextSecond(env.dps.getEnrollmentGroup("observed-group").createdDateTimeUtc());
    env.secret(ns, "group-keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    io.dpsoperator.api.v1alpha1.EnrollmentGroup g =
        env.kube
            .resource(
                Fixtures.group(
                    ns,
                    "observed-group",
                    Fixtures.groupKeysFromSecret("group-keys")
                        .andThen(s -> s.setReconcilePolicy(ReconcilePolicy.OBSERVE))
                        .andThen(s -> s.setProvisioningStatus(ProvisioningStatus.DISABLED))))
            .create();

    env.awaitReady(g, "True", "Observed");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var inSync = Conditions.get(env.fresh(g).getStatus(), Conditions.IN_SYNC);
              assertThat(inSync).isPresent();
              assertThat(inSync.get().getReason()).isEqualTo("Drifted");
              assertThat(inSync.get().getMessage())
                  .contains("provisioningStatus")
                  .doesNotContain("secret material");
              assertThat(env.fresh(g).getStatus().getDevices()).isNotNull();
            });
    await()
        .during(SEVERAL_SWEEPS)
        .atMost(SEVERAL_SWEEPS.plusSeconds(5))
        .until(() -> etag.equals(env.dps.getEnrollmentGroup("observed-group").etag()));

    env.kube.resource(env.fresh(g)).delete();
    await().atMost(WAIT).until(() -> env.fresh(g) == null);
    assertThat(env.dps.getEnrollmentGroup("observed-group").etag()).isEqualTo(etag);
  }

  @Test
  void generatedSecretCarriesTheTemplateAndItsOwner() {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "templated-01",
                Fixtures.generatedKeys()
                    .andThen(
                        s -> {
                          SecretTemplate t = new SecretTemplate();
                          t.setLabels(
                              Map.of("team", "pumps", "dpsoperator.io/owner-kind", "NotTheOwner"));
                          t.setAnnotations(
                              Map.of("reflector.v1.k8s.emberstack.com/reflection-allowed", "true"));
                          s.getAttestation().getSymmetricKey().setGeneratedSecretTemplate(t);
                        })));
    env.awaitReady(r, "True", "Synced");
    String uid = get(r).getMetadata().getUid();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret s = env.kube.secrets().inNamespace(ns).withName("templated-01-dps-keys").get();
              assertThat(s).isNotNull();
              assertThat(s.getMetadata().getLabels())
                  .containsEntry("team", "pumps")
                  .containsEntry("dpsoperator.io/owner-kind", "IndividualEnrollment")
                  .doesNotContainKey("dpsoperator.io/controller-class");
              assertThat(s.getMetadata().getAnnotations())
                  .containsEntry("reflector.v1.k8s.emberstack.com/reflection-allowed", "true")
                  .containsEntry(
                      "dpsoperator.io/owner", "IndividualEnrollment/" + ns + "/templated-01")
                  .containsEntry("dpsoperator.io/owner-uid", uid);
            });

    // A changed template reaches the Secret; its keys stay.
    String primary =
        env.kube
            .secrets()
            .inNamespace(ns)
            .withName("templated-01-dps-keys")
            .get()
            .getData()
            .get("primaryKey");
    env.kube
        .resource(get(r))
        .edit(
            e -> {
              e.getSpec()
                  .getAttestation()
                  .getSymmetricKey()
                  .getGeneratedSecretTemplate()
                  .setLabels(Map.of("team", "valves"));
              return e;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret s = env.kube.secrets().inNamespace(ns).withName("templated-01-dps-keys").get();
              assertThat(s.getMetadata().getLabels()).containsEntry("team", "valves");
              assertThat(s.getData().get("primaryKey")).isEqualTo(primary);
            });

    // A key the template no longer names is removed; one a user added by hand stays.
    env.kube
        .secrets()
        .inNamespace(ns)
        .withName("templated-01-dps-keys")
        .edit(
            sec -> {
              sec.getMetadata().getLabels().put("added-by-hand", "yes");
              return sec;
            });
    env.kube
        .resource(get(r))
        .edit(
            e -> {
              SecretTemplate t =
                  e.getSpec().getAttestation().getSymmetricKey().getGeneratedSecretTemplate();
              t.setLabels(Map.of("tier", "gold"));
              t.setAnnotations(Map.of());
              return e;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret s = env.kube.secrets().inNamespace(ns).withName("templated-01-dps-keys").get();
              assertThat(s.getMetadata().getLabels())
                  .containsEntry("tier", "gold")
                  .containsEntry("added-by-hand", "yes")
                  .containsEntry("dpsoperator.io/owner-kind", "IndividualEnrollment")
                  .doesNotContainKey("team");
              assertThat(s.getMetadata().getAnnotations())
                  .doesNotContainKey("reflector.v1.k8s.emberstack.com/reflection-allowed")
                  .containsEntry("dpsoperator.io/owner-uid", uid);
              assertThat(s.getData().get("primaryKey")).isEqualTo(primary);
            });
  }
}
