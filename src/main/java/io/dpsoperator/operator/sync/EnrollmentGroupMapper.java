package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupSpec;
import io.dpsoperator.api.v1alpha1.GroupAttestationSpec;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.dps.model.X509Attestation;
import io.dpsoperator.dps.model.X509CAReferences;
import io.dpsoperator.operator.secrets.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the desired DPS enrollment group from the resource and its Secret material. */
public final class EnrollmentGroupMapper {

  private EnrollmentGroupMapper() {}

  /** The Secrets the resource refers to (not the connection Secret). */
  public static List<ObjectRef> references(EnrollmentGroup resource) {
    String ns = resource.getMetadata().getNamespace();
    List<ObjectRef> refs = new ArrayList<>();
    EnrollmentGroupSpec spec = resource.getSpec();
    if (spec == null || spec.getAttestation() == null) {
      return refs;
    }
    GroupAttestationSpec a = spec.getAttestation();
    if (a.getType() == io.dpsoperator.api.v1alpha1.GroupAttestationType.SYMMETRIC_KEY) {
      refs.add(
          ObjectRef.secret(
              ns,
              SpecMapper.keysSecretName(a.getSymmetricKey(), resource.getMetadata().getName())));
    }
    if (a.getX509() != null) {
      SpecMapper.addCertificateSecrets(refs, ns, a.getX509().getSigningCertificates());
    }
    SpecMapper.addWebhookSecret(refs, ns, spec);
    return refs;
  }

  /** The desired DPS record. */
  public static Desired<io.dpsoperator.dps.model.EnrollmentGroup> desired(
      EnrollmentGroup resource, Material material) throws SyncFailure {
    EnrollmentGroupSpec spec = resource.getSpec();
    if (spec == null || spec.getAttestation() == null || spec.getAttestation().getType() == null) {
      throw SyncFailure.terminal(Reasons.INVALID_SPEC, "spec.attestation.type is required");
    }
    GroupAttestationSpec a = spec.getAttestation();
    SpecInvariants.check(a, spec);
    List<CertificateStatus> certificates = new ArrayList<>();
    Optional<SymmetricKeyAttestation> keys = Optional.empty();
    Optional<String> generated = Optional.empty();
    AttestationMechanism attestation;
    switch (a.getType()) {
      case SYMMETRIC_KEY -> {
        SpecMapper.KeySource source =
            SpecMapper.symmetricKeys(
                a.getSymmetricKey(), resource.getMetadata().getName(), material);
        keys = source.keys();
        generated = source.generatedSecret();
        attestation = source.attestation();
      }
      case X509 -> {
        var x = a.getX509();
        if (x == null || (x.getSigningCertificates() == null) == (x.getCaReferences() == null)) {
          throw SyncFailure.terminal(
              Reasons.INVALID_SPEC,
              "attestation.x509 needs exactly one of signingCertificates and caReferences");
        }
        attestation =
            AttestationMechanism.x509(
                x.getSigningCertificates() != null
                    ? new X509Attestation(
                        null,
                        SpecMapper.certificates(x.getSigningCertificates(), material, certificates),
                        null)
                    : new X509Attestation(
                        null,
                        null,
                        new X509CAReferences(
                            x.getCaReferences().getPrimary(), x.getCaReferences().getSecondary())));
      }
      default -> throw SyncFailure.terminal(Reasons.INVALID_SPEC, "unknown attestation type");
    }
    var record =
        io.dpsoperator.dps.model.EnrollmentGroup.builder(resource.enrollmentGroupId())
            .attestation(attestation)
            .capabilities(SpecMapper.capabilities(spec.getCapabilities()))
            .initialTwin(SpecMapper.initialTwin(spec.getInitialTwin()))
            .provisioningStatus(SpecMapper.provisioningStatus(spec.getProvisioningStatus()))
            .reprovisionPolicy(SpecMapper.reprovisionPolicy(spec.getReprovisionPolicy()))
            .allocationPolicy(SpecMapper.allocationPolicy(spec.getAllocationPolicy()))
            .iotHubs(SpecMapper.iotHubs(spec.getIotHubs()))
            .customAllocationDefinition(
                SpecMapper.customAllocation(spec.getCustomAllocationDefinition(), material))
            .build();
    return new Desired<>(record, keys, generated, certificates);
  }
}
