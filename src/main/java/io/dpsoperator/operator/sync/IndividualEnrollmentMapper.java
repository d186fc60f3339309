package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import io.dpsoperator.api.v1alpha1.IndividualAttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.TpmAttestationSpec;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.dps.model.TpmAttestation;
import io.dpsoperator.dps.model.X509Attestation;
import io.dpsoperator.operator.secrets.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the desired DPS individual enrollment from the resource and its Secret material. */
public final class IndividualEnrollmentMapper {

  private IndividualEnrollmentMapper() {}

  /** The Secrets and ConfigMaps the resource refers to (not the connection Secret). */
  public static List<ObjectRef> references(IndividualEnrollment resource) {
    String ns = resource.getMetadata().getNamespace();
    List<ObjectRef> refs = new ArrayList<>();
    IndividualEnrollmentSpec spec = resource.getSpec();
    if (spec == null || spec.getAttestation() == null) {
      return refs;
    }
    IndividualAttestationSpec a = spec.getAttestation();
    if (a.getSymmetricKey() != null
        || a.getType() == io.dpsoperator.api.v1alpha1.AttestationType.SYMMETRIC_KEY) {
      refs.add(
          ObjectRef.secret(
              ns,
              SpecMapper.keysSecretName(a.getSymmetricKey(), resource.getMetadata().getName())));
    }
    if (a.getX509() != null) {
      SpecMapper.addCertificateSecrets(refs, ns, a.getX509().getClientCertificates());
    }
    if (a.getTpm() != null && a.getTpm().getEndorsementKeyFrom() != null) {
      var from = a.getTpm().getEndorsementKeyFrom();
      if (from.getSecretKeyRef() != null) {
        refs.add(ObjectRef.secret(ns, from.getSecretKeyRef().getName()));
      }
      if (from.getConfigMapKeyRef() != null) {
        refs.add(ObjectRef.configMap(ns, from.getConfigMapKeyRef().getName()));
      }
    }
    SpecMapper.addWebhookSecret(refs, ns, spec);
    return refs;
  }

  /** The desired DPS record. */
  public static Desired<io.dpsoperator.dps.model.IndividualEnrollment> desired(
      IndividualEnrollment resource, Material material) throws SyncFailure {
    IndividualEnrollmentSpec spec = resource.getSpec();
    if (spec == null || spec.getAttestation() == null || spec.getAttestation().getType() == null) {
      throw SyncFailure.terminal(Reasons.INVALID_SPEC, "spec.attestation.type is required");
    }
    IndividualAttestationSpec a = spec.getAttestation();
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
        if (a.getX509() == null || a.getX509().getClientCertificates() == null) {
          throw SyncFailure.terminal(
              Reasons.INVALID_SPEC,
              "attestation.x509.clientCertificates is required for type x509");
        }
        attestation =
            AttestationMechanism.x509(
                new X509Attestation(
                    SpecMapper.certificates(
                        a.getX509().getClientCertificates(), material, certificates),
                    null,
                    null));
      }
      case TPM -> attestation = AttestationMechanism.tpm(tpm(a.getTpm(), material));
      default -> throw SyncFailure.terminal(Reasons.INVALID_SPEC, "unknown attestation type");
    }
    var record =
        io.dpsoperator.dps.model.IndividualEnrollment.builder(resource.registrationId())
            .deviceId(spec.getDeviceId())
            .attestation(attestation)
            .capabilities(SpecMapper.capabilities(spec.getCapabilities()))
            .initialTwin(SpecMapper.initialTwin(spec.getInitialTwin()))
            .provisioningStatus(SpecMapper.provisioningStatus(spec.getProvisioningStatus()))
            .reprovisionPolicy(SpecMapper.reprovisionPolicy(spec.getReprovisionPolicy()))
            .allocationPolicy(SpecMapper.allocationPolicy(spec.getAllocationPolicy()))
            .iotHubs(SpecMapper.iotHubs(spec.getIotHubs()))
            .customAllocationDefinition(
                SpecMapper.customAllocation(spec.getCustomAllocationDefinition(), material))
            .optionalDeviceInformation(
                SpecMapper.object(spec.getOptionalDeviceInformation(), "optionalDeviceInformation"))
            .build();
    return new Desired<>(record, keys, generated, certificates);
  }

  private static TpmAttestation tpm(TpmAttestationSpec tpm, Material material) throws SyncFailure {
    if (tpm == null) {
      throw SyncFailure.terminal(Reasons.INVALID_SPEC, "attestation.tpm is required for type tpm");
    }
    String ek = tpm.getEndorsementKey();
    String source = "spec.attestation.tpm.endorsementKey";
    if (ek == null && tpm.getEndorsementKeyFrom() != null) {
      var from = tpm.getEndorsementKeyFrom();
      if (from.getSecretKeyRef() != null) {
        ek =
            material.secretValue(
                from.getSecretKeyRef().getName(),
                from.getSecretKeyRef().getKey(),
                "TPM endorsement key");
        source =
            "key '"
                + from.getSecretKeyRef().getKey()
                + "' of Secret "
                + from.getSecretKeyRef().getName();
      } else {
        ek =
            material.configMapValue(
                from.getConfigMapKeyRef().getName(),
                from.getConfigMapKeyRef().getKey(),
                "TPM endorsement key");
        source =
            "key '"
                + from.getConfigMapKeyRef().getKey()
                + "' of ConfigMap "
                + from.getConfigMapKeyRef().getName();
      }
    }
    if (ek == null) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC, "spec.attestation.tpm needs endorsementKey or endorsementKeyFrom");
    }
    try {
      if (java.util.Base64.getDecoder().decode(ek.replaceAll("\\s", "")).length == 0) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      // Inline, the spec is wrong; from a Secret or ConfigMap, the referenced value is.
      throw SyncFailure.terminal(
          tpm.getEndorsementKey() != null ? Reasons.INVALID_SPEC : Reasons.INVALID_SECRET,
          "the TPM endorsement key in "
              + source
              + " is not valid base64: copy it again from the device (tpm_device_provision or"
              + " the TPM's EKpub), base64-encoded");
    }
    return new TpmAttestation(ek.replaceAll("\\s", ""), tpm.getStorageRootKey());
  }
}
