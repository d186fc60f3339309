package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How the device proves who it is; exactly one block, matching type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.symmetricKey) == (self.type == 'symmetricKey')",
    message = "the symmetricKey block must be set exactly when type is symmetricKey")
@ValidationRule(
    value = "has(self.x509) == (self.type == 'x509')",
    message = "the x509 block must be set exactly when type is x509")
@ValidationRule(
    value = "has(self.tpm) == (self.type == 'tpm')",
    message = "the tpm block must be set exactly when type is tpm")
public class IndividualAttestationSpec {
  /** The attestation type: symmetricKey, x509 or tpm. */
  @JsonPropertyDescription("The attestation type: symmetricKey, x509 or tpm.")
  @Required
  private AttestationType type;

  /** Symmetric-key attestation (type symmetricKey); {} lets the operator generate the keys. */
  @JsonPropertyDescription(
      "Symmetric-key attestation (type symmetricKey); {} lets the operator generate the keys.")
  private SymmetricKeyAttestationSpec symmetricKey;

  /** X.509 attestation (type x509). */
  @JsonPropertyDescription("X.509 attestation (type x509).")
  private IndividualX509AttestationSpec x509;

  /** TPM attestation (type tpm). */
  @JsonPropertyDescription("TPM attestation (type tpm).")
  private TpmAttestationSpec tpm;

  public AttestationType getType() {
    return type;
  }

  public void setType(AttestationType type) {
    this.type = type;
  }

  public SymmetricKeyAttestationSpec getSymmetricKey() {
    return symmetricKey;
  }

  public void setSymmetricKey(SymmetricKeyAttestationSpec symmetricKey) {
    this.symmetricKey = symmetricKey;
  }

  public IndividualX509AttestationSpec getX509() {
    return x509;
  }

  public void setX509(IndividualX509AttestationSpec x509) {
    this.x509 = x509;
  }

  public TpmAttestationSpec getTpm() {
    return tpm;
  }

  public void setTpm(TpmAttestationSpec tpm) {
    this.tpm = tpm;
  }
}
