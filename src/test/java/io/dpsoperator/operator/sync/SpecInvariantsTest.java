package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.api.v1alpha1.AttestationType;
import io.dpsoperator.api.v1alpha1.CustomAllocationSpec;
import io.dpsoperator.api.v1alpha1.IndividualAttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.IndividualX509AttestationSpec;
import io.dpsoperator.api.v1alpha1.KeyRef;
import io.dpsoperator.api.v1alpha1.SymmetricKeyAttestationSpec;
import io.dpsoperator.api.v1alpha1.TpmAttestationSpec;
import io.dpsoperator.api.v1alpha1.ValueFromSource;
import org.junit.jupiter.api.Test;

class SpecInvariantsTest {

  @Test
  void theManagedIdMayNotChangeButItsCaseMay() {
    assertThatCode(() -> SpecInvariants.sameId("spec.registrationId", "Dev-1", "dev-1"))
        .doesNotThrowAnyException();
    assertThatCode(() -> SpecInvariants.sameId("spec.registrationId", null, "dev-1"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> SpecInvariants.sameId("spec.registrationId", "dev-1", "dev-2"))
        .isInstanceOf(SyncFailure.class)
        .hasMessageContaining("spec.registrationId")
        .hasMessageContaining("dev-1")
        .hasMessageContaining("dev-2");
  }

  @Test
  void aBlockOtherThanTheTypeIsRefused() {
    IndividualAttestationSpec a = new IndividualAttestationSpec();
    a.setType(AttestationType.X509);
    a.setSymmetricKey(new SymmetricKeyAttestationSpec());
    assertThatThrownBy(() -> SpecInvariants.check(a, new IndividualEnrollmentSpec()))
        .hasMessageContaining("spec.attestation.type is x509")
        .hasMessageContaining("spec.attestation.symmetricKey");
    a.setX509(new IndividualX509AttestationSpec());
    assertThatThrownBy(() -> SpecInvariants.check(a, new IndividualEnrollmentSpec()))
        .hasMessageContaining("spec.attestation.symmetricKey, spec.attestation.x509");
  }

  @Test
  void twoSourcesOfOneValueAreRefused() {
    IndividualAttestationSpec a = new IndividualAttestationSpec();
    a.setType(AttestationType.TPM);
    TpmAttestationSpec tpm = new TpmAttestationSpec();
    ValueFromSource from = new ValueFromSource();
    from.setSecretKeyRef(new KeyRef());
    from.setConfigMapKeyRef(new KeyRef());
    tpm.setEndorsementKeyFrom(from);
    a.setTpm(tpm);
    assertThatThrownBy(() -> SpecInvariants.check(a, new IndividualEnrollmentSpec()))
        .hasMessageContaining("secretKeyRef")
        .hasMessageContaining("configMapKeyRef");

    IndividualEnrollmentSpec spec = new IndividualEnrollmentSpec();
    CustomAllocationSpec custom = new CustomAllocationSpec();
    custom.setWebhookUrl("https://example.com/f");
    custom.setWebhookUrlSecretRef(new KeyRef());
    spec.setCustomAllocationDefinition(custom);
    assertThatThrownBy(() -> SpecInvariants.check((IndividualAttestationSpec) null, spec))
        .hasMessageContaining("webhookUrl and spec.customAllocationDefinition.webhookUrlSecretRef");
  }
}
