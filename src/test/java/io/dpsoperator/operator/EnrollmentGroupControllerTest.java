package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static io.dpsoperator.operator.Fixtures.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.CaReferencesSpec;
import io.dpsoperator.api.v1alpha1.DeletionPolicy;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.GroupAttestationSpec;
import io.dpsoperator.api.v1alpha1.GroupAttestationType;
import io.dpsoperator.api.v1alpha1.GroupX509AttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.ProvisioningStatus;
import io.dpsoperator.api.v1alpha1.RegistrationsDeletionPolicy;
import io.dpsoperator.device.DeviceKeys;
import io.dpsoperator.device.DeviceRegistrationClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.operator.secrets.PemCertificates;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enrollment-group controller against the mock Kubernetes API and the DPS emulator, with
 * devices registering through the emulator's device API.
 */
class EnrollmentGroupControllerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final CertificateAuthority VERIFIED_CA =
      CertificateAuthority.createRoot("Verified Root");
  private static OperatorTestEnvironment env;
  private static DeviceRegistrationClient devices;

  @BeforeAll
  static void start() throws Exception {
    env =
        OperatorTestEnvironment.start(
            Map.of(), Map.of("factory-root", VERIFIED_CA.certificatePem()));
    devices =
        DeviceRegistrationClient.builder()
            .endpoint(env.emulator.deviceEndpoint())
            .idScope(env.emulator.idScope())
            .trustedCaPem(env.emulator.caCertificatePem())
            .timeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private EnrollmentGroup get(EnrollmentGroup r) {
    return env.fresh(r);
  }

  private Optional<Condition> ready(EnrollmentGroup r) {
    return env.ready(r);
  }

  private void awaitReady(EnrollmentGroup r, String status, String reason) {
    env.awaitReady(r, status, reason);
  }

  private Optional<io.dpsoperator.dps.model.EnrollmentGroup> inDps(String id) {
    try {
      return Optional.of(env.dps.getEnrollmentGroup(id));
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Test
  void symmetricKeyGroupFromSecretAdmitsDevicesWithDerivedKeysAndCountsThem() throws Exception {
    String ns = env.newNamespace();
    String groupKey = Fixtures.randomKey();
    env.secret(
        ns, "fleet-keys", Map.of("primaryKey", groupKey, "secondaryKey", Fixtures.randomKey()));
    EnrollmentGroup g =
        env.kube
            .resource(group(ns, "fleet-a", Fixtures.groupKeysFromSecret("fleet-keys")))
            .create();
    awaitReady(g, "True", "Synced");

    for (String id : new String[] {"fleet-a-dev-1", "fleet-a-dev-2"}) {
      var result =
          devices.registerWithSymmetricKey(id, DeviceKeys.derive(groupKey, id), Optional.empty());
      assertThat(result.status()).isEqualTo("assigned");
      assertThat(result.assignedHub()).isEqualTo("hub-a.azure-devices.net");
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var summary = get(g).getStatus().getDevices();
              assertThat(summary.getTotal()).isEqualTo(2);
              assertThat(summary.getAssigned()).isEqualTo(2);
              assertThat(summary.getLatestRegistrationTime()).isNotBlank();
            });
  }

  @Test
  void generatedGroupKeysAreWrittenToOwnedSecret() throws Exception {
    String ns = env.newNamespace();
    EnrollmentGroup g =
        env.kube.resource(group(ns, "fleet-gen", Fixtures.groupKeysFromSecret(null))).create();
    awaitReady(g, "True", "Synced");
    var held = env.dps.getEnrollmentGroupAttestationMechanism("fleet-gen").symmetricKey();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Secret owned =
                  env.kube.secrets().inNamespace(ns).withName("fleet-gen-dps-keys").get();
              assertThat(owned).isNotNull();
              assertThat(decode(owned, "primaryKey")).isEqualTo(held.primaryKey());
              assertThat(decode(owned, "enrollmentGroupId")).isEqualTo("fleet-gen");
            });
    var result =
        devices.registerWithSymmetricKey(
            "gen-dev-1", DeviceKeys.derive(held.secondaryKey(), "gen-dev-1"), Optional.empty());
    assertThat(result.status()).isEqualTo("assigned");
  }

  @Test
  void x509GroupFromSecretAdmitsDevicesByMutualTlsAndFollowsRotation() throws Exception {
    String ns = env.newNamespace();
    CertificateAuthority root = CertificateAuthority.createRoot("Fleet Root");
    CertificateAuthority intermediate = root.createIntermediate("Fleet Intermediate");
    env.secret(ns, "fleet-ca", Map.of("ca.crt", intermediate.certificatePem()));
    EnrollmentGroup g =
        env.kube
            .resource(group(ns, "cameras", Fixtures.signingCertFromSecret("fleet-ca", "ca.crt")))
            .create();
    awaitReady(g, "True", "Synced");
    assertThat(get(g).getStatus().getCertificates())
        .singleElement()
        .satisfies(c -> assertThat(c.getSubject()).contains("CN=Fleet Intermediate"));

    var leaf = intermediate.issueLeaf("camera-x-1");
    var result = devices.registerWithX509(leaf.chainPem(), leaf.privateKeyPem());
    assertThat(result.status()).isEqualTo("assigned");
    assertThat(result.registrationId()).isEqualTo("camera-x-1");

    CertificateAuthority rotated = root.createIntermediate("Fleet Intermediate 2");
    env.secret(ns, "fleet-ca", Map.of("ca.crt", rotated.certificatePem()));
    String thumbprint = PemCertificates.sha256(rotated.certificate());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        inDps("cameras")
                            .orElseThrow()
                            .attestation()
                            .x509()
                            .signingCertificates()
                            .primary()
                            .info()
                            .sha256Thumbprint())
                    .isEqualToIgnoringCase(thumbprint));
    var rotatedLeaf = rotated.issueLeaf("camera-x-2");
    assertThat(
            devices.registerWithX509(rotatedLeaf.chainPem(), rotatedLeaf.privateKeyPem()).status())
        .isEqualTo("assigned");
  }

  @Test
  void caReferencesAdmitDevicesChainingToAVerifiedCa() throws Exception {
    String ns = env.newNamespace();
    EnrollmentGroup g =
        env.kube
            .resource(
                group(
                    ns,
                    "factory",
                    s -> {
                      GroupAttestationSpec a = new GroupAttestationSpec();
                      a.setType(GroupAttestationType.X509);
                      GroupX509AttestationSpec x = new GroupX509AttestationSpec();
                      CaReferencesSpec refs = new CaReferencesSpec();
                      refs.setPrimary("factory-root");
                      x.setCaReferences(refs);
                      a.setX509(x);
                      s.setAttestation(a);
                    }))
            .create();
    awaitReady(g, "True", "Synced");
    var leaf = VERIFIED_CA.issueLeaf("factory-dev-1");
    assertThat(devices.registerWithX509(leaf.chainPem(), leaf.privateKeyPem()).status())
        .isEqualTo("assigned");
  }

  @Test
  void driftIsRevertedAndDeletionFollowsPolicies() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    EnrollmentGroup kept =
        env.kube.resource(group(ns, "drift-group", Fixtures.groupKeysFromSecret("keys"))).create();
    EnrollmentGroup orphan =
        env.kube
            .resource(
                group(
                    ns,
                    "orphan-group",
                    Fixtures.groupKeysFromSecret("keys")
                        .andThen(s -> s.setDeletionPolicy(DeletionPolicy.ORPHAN))))
            .create();
    awaitReady(kept, "True", "Synced");
    awaitReady(orphan, "True", "Synced");

    var held = inDps("drift-group").orElseThrow();
    env.dps.createOrUpdateEnrollmentGroup(
        held.toBuilder()
            .attestation(env.dps.getEnrollmentGroupAttestationMechanism("drift-group"))
            .provisioningStatus(io.dpsoperator.dps.model.ProvisioningStatus.DISABLED)
            .build(),
        IfMatch.any());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(inDps("drift-group").orElseThrow().provisioningStatus())
                    .isEqualTo(io.dpsoperator.dps.model.ProvisioningStatus.ENABLED));
    await().atMost(WAIT).until(() -> env.hasEvent(kept, "DriftCorrected"));

    env.dps.deleteEnrollmentGroup("drift-group", IfMatch.any());
    await().atMost(WAIT).until(() -> inDps("drift-group").isPresent());

    env.kube.resource(get(kept)).delete();
    env.kube.resource(get(orphan)).delete();
    await().atMost(WAIT).until(() -> get(kept) == null && get(orphan) == null);
    assertThat(inDps("drift-group")).isEmpty();
    assertThat(inDps("orphan-group")).isPresent();
  }

  @Test
  void deletingAGroupCanDeleteItsRegistrationRecords() throws Exception {
    String ns = env.newNamespace();
    String groupKey = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", groupKey, "secondaryKey", Fixtures.randomKey()));
    EnrollmentGroup g =
        env.kube
            .resource(
                group(
                    ns,
                    "short-lived",
                    Fixtures.groupKeysFromSecret("keys")
                        .andThen(
                            s ->
                                s.setRegistrationsDeletionPolicy(
                                    RegistrationsDeletionPolicy.DELETE))))
            .create();
    awaitReady(g, "True", "Synced");
    devices.registerWithSymmetricKey(
        "short-lived-1", DeviceKeys.derive(groupKey, "short-lived-1"), Optional.empty());
    assertThat(env.dps.queryAllDeviceRegistrationStates("short-lived", 100)).hasSize(1);

    env.kube.resource(get(g)).delete();
    await().atMost(WAIT).until(() -> get(g) == null);
    assertThat(env.dps.queryAllDeviceRegistrationStates("short-lived", 100)).isEmpty();
  }

  @Test
  void anIndividualEnrollmentOverridesTheGroupForOneDevice() throws Exception {
    String ns = env.newNamespace();
    String groupKey = Fixtures.randomKey();
    env.secret(ns, "keys", Map.of("primaryKey", groupKey, "secondaryKey", Fixtures.randomKey()));
    EnrollmentGroup g =
        env.kube
            .resource(group(ns, "override-group", Fixtures.groupKeysFromSecret("keys")))
            .create();
    awaitReady(g, "True", "Synced");
    // The device's own enrollment, disabled: DPS must refuse it even though the group admits it.
    String ownKey = DeviceKeys.derive(groupKey, "blocked-device");
    env.secret(ns, "own-keys", Map.of("primaryKey", ownKey, "secondaryKey", Fixtures.randomKey()));
    IndividualEnrollment own =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "blocked-device",
                    Fixtures.keysFromSecret("own-keys")
                        .andThen(s -> s.setProvisioningStatus(ProvisioningStatus.DISABLED))))
            .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                Conditions.ready(
                        env.kube
                            .resources(IndividualEnrollment.class)
                            .inNamespace(ns)
                            .withName("blocked-device")
                            .get()
                            .getStatus())
                    .map(c -> "True".equals(c.getStatus()))
                    .orElse(false));
    assertThat(
            devices.registerWithSymmetricKey("blocked-device", ownKey, Optional.empty()).status())
        .isEqualTo("disabled");
    assertThat(
            devices
                .registerWithSymmetricKey(
                    "other-device", DeviceKeys.derive(groupKey, "other-device"), Optional.empty())
                .status())
        .isEqualTo("assigned");
    assertThat(own).isNotNull();
  }

  private static String decode(Secret s, String key) {
    String v = s.getData() == null ? null : s.getData().get(key);
    return v == null ? null : new String(Base64.getDecoder().decode(v));
  }
}
