package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.DeletionPolicy;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.ProvisioningStatus;
import io.dpsoperator.device.DeviceRegistrationClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.operator.secrets.PemCertificates;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The individual-enrollment controller against the mock Kubernetes API and the DPS emulator. */
class IndividualEnrollmentControllerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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

  private IndividualEnrollment apply(IndividualEnrollment r) {
    return env.kube.resource(r).create();
  }

  private IndividualEnrollment get(IndividualEnrollment r) {
    return env.fresh(r);
  }

  private Optional<Condition> ready(IndividualEnrollment r) {
    return env.ready(r);
  }

  private void awaitReady(IndividualEnrollment r, String status, String reason) {
    env.awaitReady(r, status, reason);
  }

  private Optional<io.dpsoperator.dps.model.IndividualEnrollment> inDps(String id) {
    try {
      return Optional.of(env.dps.getIndividualEnrollment(id));
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Test
  void createsEnrollmentWithKeysFromSecret() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    IndividualEnrollment r =
        apply(enrollment(ns, "thermostat-01", Fixtures.keysFromSecret("keys")));

    awaitReady(r, "True", "Synced");
    AttestationMechanism held =
        env.dps.getIndividualEnrollmentAttestationMechanism("thermostat-01");
    assertThat(held.symmetricKey()).isEqualTo(new SymmetricKeyAttestation(primary, secondary));
    IndividualEnrollment now = get(r);
    assertThat(now.getStatus().getRegistrationId()).isEqualTo("thermostat-01");
    // A bulk write answers no etag: the next inventory sweep brings it into the status.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get(r).getStatus().getEtag())
                    .isEqualTo(inDps("thermostat-01").orElseThrow().etag()));
    assertThat(now.getStatus().getObservedGeneration())
        .isEqualTo(now.getMetadata().getGeneration());
    assertThat(now.getMetadata().getFinalizers()).isNotEmpty();
    await().atMost(WAIT).until(() -> env.hasEvent(r, "Created"));
  }

  @Test
  void writesDpsGeneratedKeysToOwnedSecret() {
    String ns = env.newNamespace();
    IndividualEnrollment r = apply(enrollment(ns, "generated-01", Fixtures.generatedKeys()));

    awaitReady(r, "True", "Synced");
    AttestationMechanism held = env.dps.getIndividualEnrollmentAttestationMechanism("generated-01");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret owned =
                  env.kube.secrets().inNamespace(ns).withName("generated-01-dps-keys").get();
              assertThat(owned).isNotNull();
              assertThat(decode(owned, "primaryKey")).isEqualTo(held.symmetricKey().primaryKey());
              assertThat(decode(owned, "secondaryKey"))
                  .isEqualTo(held.symmetricKey().secondaryKey());
              assertThat(decode(owned, "registrationId")).isEqualTo("generated-01");
              assertThat(decode(owned, "idScope")).isEqualTo(env.emulator.idScope());
              assertThat(owned.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(o -> assertThat(o.getUid()).isEqualTo(get(r).getMetadata().getUid()));
            });
    assertThat(get(r).getStatus().getKeysSecretName()).isEqualTo("generated-01-dps-keys");
  }

  @Test
  void generatedKeysNeedNoSecondWriteAndSurviveTheLossOfTheirSecret() {
    String ns = env.newNamespace();
    IndividualEnrollment r = apply(enrollment(ns, "generated-02", Fixtures.generatedKeys()));
    awaitReady(r, "True", "Synced");
    await()
        .atMost(WAIT)
        .until(
            () ->
                env.kube.secrets().inNamespace(ns).withName("generated-02-dps-keys").get() != null);
    String etag = inDps("generated-02").orElseThrow().etag();
    String primary =
        env.dps
            .getIndividualEnrollmentAttestationMechanism("generated-02")
            .symmetricKey()
            .primaryKey();
    // Resyncs (every 2 s here) make no DPS write once the keys are in their Secret.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> etag.equals(inDps("generated-02").orElseThrow().etag()));

    env.kube.secrets().inNamespace(ns).withName("generated-02-dps-keys").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret again =
                  env.kube.secrets().inNamespace(ns).withName("generated-02-dps-keys").get();
              assertThat(again).isNotNull();
              assertThat(decode(again, "primaryKey")).isEqualTo(primary);
            });
    assertThat(inDps("generated-02").orElseThrow().etag())
        .as("the keys DPS holds were written back, not replaced")
        .isEqualTo(etag);
  }

  @Test
  void aSecretThatIsNotItsOwnIsNeverTakenOver() {
    String ns = env.newNamespace();
    env.secret(ns, "taken-01-dps-keys", Map.of("password", "hunter2"));
    IndividualEnrollment r = apply(enrollment(ns, "taken-01", Fixtures.generatedKeys()));
    awaitReady(r, "False", "InvalidSpec");
    assertThat(ready(r).orElseThrow().getMessage()).contains("generatedSecretName");
    Secret untouched = env.kube.secrets().inNamespace(ns).withName("taken-01-dps-keys").get();
    assertThat(untouched.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(decode(untouched, "password")).isEqualTo("hunter2");
    assertThat(decode(untouched, "primaryKey")).isNull();
    assertThat(inDps("taken-01")).isEmpty();
  }

  @Test
  void keyRotationInSecretReachesDps() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r = apply(enrollment(ns, "rotating-01", Fixtures.keysFromSecret("keys")));
    awaitReady(r, "True", "Synced");

    String rotated = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", rotated, "secondaryKey", Fixtures.randomKey()));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        env.dps
                            .getIndividualEnrollmentAttestationMechanism("rotating-01")
                            .symmetricKey()
                            .primaryKey())
                    .isEqualTo(rotated));
  }

  @Test
  void specChangeUpdatesDps() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r = apply(enrollment(ns, "changing-01", Fixtures.keysFromSecret("keys")));
    awaitReady(r, "True", "Synced");

    env.kube
        .resources(IndividualEnrollment.class)
        .inNamespace(ns)
        .withName("changing-01")
        .edit(
            e -> {
              e.getSpec().setProvisioningStatus(ProvisioningStatus.DISABLED);
              return e;
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(inDps("changing-01").orElseThrow().provisioningStatus())
                    .isEqualTo(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED));
    await().atMost(WAIT).until(() -> env.hasEvent(r, "Updated"));
  }

  @Test
  void outOfBandChangeIsReverted() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r = apply(enrollment(ns, "drifting-01", Fixtures.keysFromSecret("keys")));
    awaitReady(r, "True", "Synced");

    var held = inDps("drifting-01").orElseThrow();
    env.dps.createOrUpdateIndividualEnrollment(
        held.toBuilder()
            .attestation(env.dps.getIndividualEnrollmentAttestationMechanism("drifting-01"))
            .provisioningStatus(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED)
            .build(),
        IfMatch.etag(held.etag()));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(inDps("drifting-01").orElseThrow().provisioningStatus())
                    .isEqualTo(io.dpsoperator.dps.model.ProvisioningStatus.ENABLED));
    await().atMost(WAIT).until(() -> env.hasEvent(r, "DriftCorrected"));
  }

  @Test
  void outOfBandDeletionIsRecreated() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r = apply(enrollment(ns, "deleted-01", Fixtures.keysFromSecret("keys")));
    awaitReady(r, "True", "Synced");

    env.dps.deleteIndividualEnrollment("deleted-01", IfMatch.any());
    await().atMost(WAIT).until(() -> inDps("deleted-01").isPresent());
    await().atMost(WAIT).until(() -> env.hasEvent(r, "DriftCorrected"));
  }

  @Test
  void adoptsExistingEnrollment() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    env.dps.createOrUpdateIndividualEnrollment(
        io.dpsoperator.dps.model.IndividualEnrollment.builder("adopted-01")
            .attestation(
                AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(primary, secondary)))
            .build(),
        IfMatch.absent());
    String etagBefore = inDps("adopted-01").orElseThrow().etag();
    Fixtures.awaitNextSecond(inDps("adopted-01").orElseThrow().createdDateTimeUtc());
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", secondary));
    IndividualEnrollment r = apply(enrollment(ns, "adopted-01", Fixtures.keysFromSecret("keys")));

    awaitReady(r, "True", "Synced");
    await().atMost(WAIT).until(() -> env.hasEvent(r, "Adopted"));
    assertThat(inDps("adopted-01").orElseThrow().etag())
        .as("identical record adopted without a write")
        .isEqualTo(etagBefore);
  }

  @Test
  void duplicateRegistrationIdLeavesDpsToTheOlderResource() {
    String ns1 = env.newNamespace();
    String ns2 = env.newNamespace();
    env.randomKeysSecret(ns1, "keys");
    env.randomKeysSecret(ns2, "keys");
    IndividualEnrollment older = apply(enrollment(ns1, "dup-01", Fixtures.keysFromSecret("keys")));
    awaitReady(older, "True", "Synced");
    String etag = inDps("dup-01").orElseThrow().etag();

    IndividualEnrollment newer =
        apply(
            enrollment(
                ns2,
                "dup-01",
                Fixtures.keysFromSecret("keys")
                    .andThen(s -> s.setProvisioningStatus(ProvisioningStatus.DISABLED))));
    awaitReady(newer, "False", "DuplicateRegistrationId");
    assertThat(inDps("dup-01").orElseThrow().etag()).isEqualTo(etag);
    assertThat(ready(newer).orElseThrow().getMessage()).contains(ns1 + "/dup-01");
  }

  @Test
  void deletionPolicies() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment deleted =
        apply(enrollment(ns, "delete-me", Fixtures.keysFromSecret("keys")));
    IndividualEnrollment orphaned =
        apply(
            enrollment(
                ns,
                "orphan-me",
                Fixtures.keysFromSecret("keys")
                    .andThen(s -> s.setDeletionPolicy(DeletionPolicy.ORPHAN))));
    awaitReady(deleted, "True", "Synced");
    awaitReady(orphaned, "True", "Synced");

    env.kube.resource(get(deleted)).delete();
    env.kube.resource(get(orphaned)).delete();
    await().atMost(WAIT).until(() -> get(deleted) == null && get(orphaned) == null);
    assertThat(inDps("delete-me")).isEmpty();
    assertThat(inDps("orphan-me")).isPresent();
  }

  @Test
  void resourceWhoseCredentialsAreGoneCanBeLetGoWithOrphan() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    env.secret(ns, "my-dps", Map.of("connectionString", env.emulator.serviceConnectionString()));
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "stranded-01",
                Fixtures.keysFromSecret("keys")
                    .andThen(
                        s -> {
                          var ref = new io.dpsoperator.api.v1alpha1.ConnectionSecretRef();
                          ref.setName("my-dps");
                          s.setConnectionSecretRef(ref);
                        })));
    awaitReady(r, "True", "Synced");

    env.kube.secrets().inNamespace(ns).withName("my-dps").delete();
    env.kube.resource(get(r)).delete();
    await().atMost(WAIT).until(() -> env.hasEvent(r, "DeletionBlocked"));
    assertThat(get(r)).as("kept by its finalizer while DPS cannot be reached").isNotNull();

    env.kube
        .resources(IndividualEnrollment.class)
        .inNamespace(ns)
        .withName("stranded-01")
        .edit(
            e -> {
              e.getSpec().setDeletionPolicy(DeletionPolicy.ORPHAN);
              return e;
            });
    await().atMost(WAIT).until(() -> get(r) == null);
    assertThat(inDps("stranded-01")).isPresent();
  }

  @Test
  void missingSecretIsPickedUpWhenCreated() {
    String ns = env.newNamespace();
    IndividualEnrollment r = apply(enrollment(ns, "late-secret", Fixtures.keysFromSecret("later")));
    awaitReady(r, "False", "SecretNotFound");
    assertThat(ready(r).orElseThrow().getMessage()).contains("later");
    await().atMost(WAIT).until(() -> env.hasEvent(r, "SecretNotFound"));
    assertThat(inDps("late-secret")).isEmpty();

    env.randomKeysSecret(ns, "later");
    awaitReady(r, "True", "Synced");
    assertThat(inDps("late-secret")).isPresent();
  }

  @Test
  void malformedSecretNeverWeakensDps() {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", Fixtures.randomKey()));
    IndividualEnrollment r = apply(enrollment(ns, "malformed-01", Fixtures.keysFromSecret("keys")));
    awaitReady(r, "True", "Synced");

    env.secret(ns, "keys", Map.of("primaryKey", "not base64!", "secondaryKey", "c2hvcnQ="));
    awaitReady(r, "False", "InvalidSecret");
    assertThat(ready(r).orElseThrow().getMessage()).doesNotContain("not base64!");
    assertThat(
            env.dps
                .getIndividualEnrollmentAttestationMechanism("malformed-01")
                .symmetricKey()
                .primaryKey())
        .isEqualTo(primary);

    env.kube.secrets().inNamespace(ns).withName("keys").delete();
    awaitReady(r, "False", "SecretNotFound");
    assertThat(inDps("malformed-01")).isPresent();
  }

  @Test
  void dpsUnavailableThenBack() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    env.emulator.faults().failureRate(503, 1.0);
    try {
      IndividualEnrollment r = apply(enrollment(ns, "flaky-01", Fixtures.keysFromSecret("keys")));
      awaitReady(r, "False", "DpsUnavailable");
      env.emulator.faults().clear();
      awaitReady(r, "True", "Synced");
    } finally {
      env.emulator.faults().clear();
    }
  }

  @Test
  void x509FromTlsSecretAndCertificateRotation() {
    String ns = env.newNamespace();
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root");
    var first = ca.issueLeaf("camera-01");
    env.tlsSecret(ns, "camera-01-tls", first.chainPem());
    IndividualEnrollment r =
        apply(enrollment(ns, "camera-01", Fixtures.x509FromSecret("camera-01-tls")));

    awaitReady(r, "True", "Synced");
    String thumbprint = PemCertificates.sha256(first.chain().get(0));
    assertThat(
            inDps("camera-01")
                .orElseThrow()
                .attestation()
                .x509()
                .clientCertificates()
                .primary()
                .info()
                .sha256Thumbprint())
        .isEqualToIgnoringCase(thumbprint);
    var certs = get(r).getStatus().getCertificates();
    assertThat(certs)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getSubject()).contains("CN=camera-01");
              assertThat(c.getSha256Thumbprint()).isEqualTo(thumbprint);
              assertThat(c.getNotAfter()).isNotBlank();
            });

    var renewed = ca.issueLeaf("camera-01");
    env.tlsSecret(ns, "camera-01-tls", renewed.chainPem());
    String renewedThumbprint = PemCertificates.sha256(renewed.chain().get(0));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        inDps("camera-01")
                            .orElseThrow()
                            .attestation()
                            .x509()
                            .clientCertificates()
                            .primary()
                            .info()
                            .sha256Thumbprint())
                    .isEqualToIgnoringCase(renewedThumbprint));
  }

  @Test
  void registeredDeviceShowsItsAssignedHubInTheStatus() throws Exception {
    String ns = env.newNamespace();
    String primary = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", primary, "secondaryKey", Fixtures.randomKey()));
    IndividualEnrollment r =
        apply(
            enrollment(
                ns,
                "meter-01",
                Fixtures.keysFromSecret("keys").andThen(s -> s.setDeviceId("meter-01-device"))));
    awaitReady(r, "True", "Synced");
    assertThat(get(r).getStatus().getRegistrationState()).isNull();

    try (DeviceRegistrationClient device =
        DeviceRegistrationClient.builder()
            .endpoint(env.emulator.deviceEndpoint())
            .idScope(env.emulator.idScope())
            .trustedCaPem(env.emulator.caCertificatePem())
            .build()) {
      var result = device.registerWithSymmetricKey("meter-01", primary, Optional.empty());
      assertThat(result.status()).isEqualTo("assigned");
      assertThat(result.deviceId()).isEqualTo("meter-01-device");
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var state = get(r).getStatus().getRegistrationState();
              assertThat(state).isNotNull();
              assertThat(state.getStatus()).isEqualTo("assigned");
              assertThat(state.getAssignedHub()).isEqualTo("hub-a.azure-devices.net");
              assertThat(state.getDeviceId()).isEqualTo("meter-01-device");
              assertThat(state.getSubstatus()).isEqualTo("initialAssignment");
            });
  }

  @Test
  void tpmEnrollment() {
    String ns = env.newNamespace();
    String ek =
        Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    IndividualEnrollment r = apply(enrollment(ns, "tpm-01", Fixtures.tpm(ek)));
    awaitReady(r, "True", "Synced");
    assertThat(inDps("tpm-01").orElseThrow().attestation().tpm().endorsementKey()).isEqualTo(ek);
  }

  private static String decode(Secret s, String key) {
    String v = s.getData() == null ? null : s.getData().get(key);
    if (v == null && s.getStringData() != null) {
      return s.getStringData().get(key);
    }
    return v == null ? null : new String(Base64.getDecoder().decode(v));
  }
}
