package io.dpsoperator.operator.sync;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static io.dpsoperator.operator.Fixtures.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsoperator.api.v1alpha1.AllocationPolicy;
import io.dpsoperator.api.v1alpha1.CustomAllocationSpec;
import io.dpsoperator.api.v1alpha1.InitialTwinPropertiesSpec;
import io.dpsoperator.api.v1alpha1.InitialTwinSpec;
import io.dpsoperator.api.v1alpha1.KeyRef;
import io.dpsoperator.api.v1alpha1.ValueFromSource;
import io.dpsoperator.dps.model.AttestationType;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.operator.Fixtures;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.secrets.PemCertificates;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Resource and Secret material to the desired DPS record: pure functions, no cluster. */
class MapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<ObjectRef, Map<String, String>> objects = new HashMap<>();
  private final Material material =
      new Material("ns", ref -> Optional.ofNullable(objects.get(ref)));

  @Test
  void keysComeFromTheReferencedSecret() throws Exception {
    String primary = Fixtures.randomKey();
    String secondary = Fixtures.randomKey();
    objects.put(
        ObjectRef.secret("ns", "keys"), Map.of("primaryKey", primary, "secondaryKey", secondary));
    var r = enrollment("ns", "dev-1", Fixtures.keysFromSecret("keys"));
    var desired = IndividualEnrollmentMapper.desired(r, material);
    assertThat(desired.record().registrationId()).isEqualTo("dev-1");
    assertThat(desired.record().attestation().type()).isEqualTo(AttestationType.SYMMETRIC_KEY);
    assertThat(desired.keys()).contains(new SymmetricKeyAttestation(primary, secondary));
    assertThat(desired.generatedKeysSecret()).isEmpty();
    assertThat(IndividualEnrollmentMapper.references(r))
        .containsExactly(ObjectRef.secret("ns", "keys"));
  }

  @Test
  void generatedKeysAreReusedFromTheOwnedSecretOnceWritten() throws Exception {
    var r = enrollment("ns", "dev-2", Fixtures.generatedKeys());
    var first = IndividualEnrollmentMapper.desired(r, material);
    assertThat(first.keys()).isEmpty();
    assertThat(first.generatedKeysSecret()).contains("dev-2-dps-keys");
    assertThat(first.record().attestation().symmetricKey().primaryKey()).isNull();

    String primary = Fixtures.randomKey();
    objects.put(
        ObjectRef.secret("ns", "dev-2-dps-keys"),
        Map.of("primaryKey", primary, "secondaryKey", Fixtures.randomKey()));
    assertThat(IndividualEnrollmentMapper.desired(r, material).keys().orElseThrow().primaryKey())
        .isEqualTo(primary);
  }

  @Test
  void missingAndMalformedSecretsAreTerminalFailuresThatNameTheObjectNotTheValue() {
    var r = enrollment("ns", "dev-3", Fixtures.keysFromSecret("keys"));
    assertThatThrownBy(() -> IndividualEnrollmentMapper.desired(r, material))
        .isInstanceOfSatisfying(
            SyncFailure.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
              assertThat(f.isRetryable()).isFalse();
              assertThat(f.getMessage()).contains("Secret ns/keys");
            });
    objects.put(
        ObjectRef.secret("ns", "keys"), Map.of("primaryKey", "c2VjcmV0", "secondaryKey", "x"));
    assertThatThrownBy(() -> IndividualEnrollmentMapper.desired(r, material))
        .isInstanceOfSatisfying(
            SyncFailure.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reasons.INVALID_SECRET);
              assertThat(f.getMessage()).contains("primaryKey").doesNotContain("c2VjcmV0");
            });
  }

  @Test
  void x509SendsOnlyTheFirstCertificateOfTheChain() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Root");
    var leaf = ca.createIntermediate("Intermediate").issueLeaf("cam-1");
    objects.put(
        ObjectRef.secret("ns", "cam-1-tls"), Map.of("tls.crt", leaf.chainPem(), "tls.key", "x"));
    var desired =
        IndividualEnrollmentMapper.desired(
            enrollment("ns", "cam-1", Fixtures.x509FromSecret("cam-1-tls")), material);
    String sent =
        desired.record().attestation().x509().clientCertificates().primary().certificate();
    assertThat(sent).containsOnlyOnce("BEGIN CERTIFICATE");
    assertThat(PemCertificates.sha256(PemCertificates.first(sent)))
        .isEqualTo(PemCertificates.sha256(leaf.chain().get(0)));
    assertThat(desired.certificates())
        .singleElement()
        .satisfies(c -> assertThat(c.getSubject()).contains("CN=cam-1"));
  }

  @Test
  void tpmEndorsementKeyFromAConfigMap() throws Exception {
    objects.put(ObjectRef.configMap("ns", "tpm"), Map.of("ek", "AAECAwQ="));
    var r =
        enrollment(
            "ns",
            "kiosk",
            Fixtures.tpm("unused")
                .andThen(
                    s -> {
                      s.getAttestation().getTpm().setEndorsementKey(null);
                      ValueFromSource from = new ValueFromSource();
                      KeyRef ref = new KeyRef();
                      ref.setName("tpm");
                      ref.setKey("ek");
                      from.setConfigMapKeyRef(ref);
                      s.getAttestation().getTpm().setEndorsementKeyFrom(from);
                    }));
    assertThat(
            IndividualEnrollmentMapper.desired(r, material)
                .record()
                .attestation()
                .tpm()
                .endorsementKey())
        .isEqualTo("AAECAwQ=");
    assertThat(IndividualEnrollmentMapper.references(r))
        .containsExactly(ObjectRef.configMap("ns", "tpm"));
  }

  @Test
  void twinAndWebhookFromSecretAreMappedExactly() throws Exception {
    objects.put(
        ObjectRef.secret("ns", "keys"),
        Map.of("primaryKey", Fixtures.randomKey(), "secondaryKey", Fixtures.randomKey()));
    objects.put(ObjectRef.secret("ns", "hook"), Map.of("url", "https://alloc.example/api?code=k"));
    var g =
        group(
            "ns",
            "fleet",
            Fixtures.groupKeysFromSecret("keys")
                .andThen(
                    s -> {
                      s.setAllocationPolicy(AllocationPolicy.CUSTOM);
                      CustomAllocationSpec c = new CustomAllocationSpec();
                      KeyRef ref = new KeyRef();
                      ref.setName("hook");
                      ref.setKey("url");
                      c.setWebhookUrlSecretRef(ref);
                      s.setCustomAllocationDefinition(c);
                      InitialTwinSpec twin = new InitialTwinSpec();
                      try {
                        twin.setTags(JSON.readTree("{\"floor\":2,\"ratio\":1.10}"));
                        InitialTwinPropertiesSpec props = new InitialTwinPropertiesSpec();
                        props.setDesired(JSON.readTree("{\"interval\":{\"s\":60}}"));
                        twin.setProperties(props);
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                      s.setInitialTwin(twin);
                    }));
    var record = EnrollmentGroupMapper.desired(g, material).record();
    assertThat(record.enrollmentGroupId()).isEqualTo("fleet");
    assertThat(record.customAllocationDefinition().webhookUrl())
        .isEqualTo("https://alloc.example/api?code=k");
    assertThat(record.customAllocationDefinition().toString()).doesNotContain("code=k");
    assertThat(record.initialTwin().tags()).isEqualTo(g.getSpec().getInitialTwin().getTags());
    assertThat(record.initialTwin().tags()).isNotSameAs(g.getSpec().getInitialTwin().getTags());
    assertThat(record.initialTwin().properties().desired().path("interval").path("s").asInt())
        .isEqualTo(60);
    assertThat(record.reprovisionPolicy().updateHubAssignment()).isTrue();
    assertThat(EnrollmentGroupMapper.references(g))
        .containsExactlyInAnyOrder(ObjectRef.secret("ns", "keys"), ObjectRef.secret("ns", "hook"));
  }

  @Test
  void groupSigningCertificateAndCaReferences() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Fleet CA");
    objects.put(ObjectRef.secret("ns", "fleet-ca"), Map.of("ca.crt", ca.certificatePem()));
    var desired =
        EnrollmentGroupMapper.desired(
            group("ns", "cams", Fixtures.signingCertFromSecret("fleet-ca", "ca.crt")), material);
    assertThat(desired.record().attestation().x509().signingCertificates().primary().certificate())
        .contains("BEGIN CERTIFICATE");
    assertThat(desired.record().attestation().x509().clientCertificates()).isNull();
    assertThat(List.of(desired.certificates().get(0).getRole())).containsExactly("primary");
  }
}
