package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How the group's devices prove who they are; exactly one block, matching type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.symmetricKey) == (self.type == 'symmetricKey')",
    message = "the symmetricKey block must be set exactly when type is symmetricKey")
@ValidationRule(
    value = "has(self.x509) == (self.type == 'x509')",
    message = "the x509 block must be set exactly when type is x509")
public class GroupAttestationSpec {
  /** The attestation type: symmetricKey or x509. */
  @JsonPropertyDescription("The attestation type: symmetricKey or x509.")
  @Required
  private GroupAttestationType type;

  /**
   * Group keys (type symmetricKey); each device derives its key from them. {} lets the operator
   * generate them.
   */
  @JsonPropertyDescription(
      "Group keys (type symmetricKey); each device derives its key from them. {} lets the operator generate them.")
  private SymmetricKeyAttestationSpec symmetricKey;

  /** X.509 attestation (type x509). */
  @JsonPropertyDescription("X.509 attestation (type x509).")
  private GroupX509AttestationSpec x509;

  public GroupAttestationType getType() {
    return type;
  }

  public void setType(GroupAttestationType type) {
    this.type = type;
  }

  public SymmetricKeyAttestationSpec getSymmetricKey() {
    return symmetricKey;
  }

  public void setSymmetricKey(SymmetricKeyAttestationSpec symmetricKey) {
    this.symmetricKey = symmetricKey;
  }

  public GroupX509AttestationSpec getX509() {
    return x509;
  }

  public void setX509(GroupX509AttestationSpec x509) {
    this.x509 = x509;
  }
}
