package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How devices of an enrollment prove who they are; exactly one of the parts matches {@code type}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AttestationMechanism(
    AttestationType type,
    TpmAttestation tpm,
    X509Attestation x509,
    SymmetricKeyAttestation symmetricKey) {

  /** A symmetric-key attestation. */
  public static AttestationMechanism symmetricKey(SymmetricKeyAttestation keys) {
    return new AttestationMechanism(AttestationType.SYMMETRIC_KEY, null, null, keys);
  }

  /** An X.509 attestation. */
  public static AttestationMechanism x509(X509Attestation x509) {
    return new AttestationMechanism(AttestationType.X509, null, x509, null);
  }

  /** A TPM attestation. */
  public static AttestationMechanism tpm(TpmAttestation tpm) {
    return new AttestationMechanism(AttestationType.TPM, tpm, null, null);
  }
}
