package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** TPM attestation: the device's endorsement key (public), inline or from a Secret or ConfigMap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.endorsementKey) != has(self.endorsementKeyFrom)",
    message = "set exactly one of endorsementKey and endorsementKeyFrom")
public class TpmAttestationSpec {
  /** The endorsement key, base64. */
  @JsonPropertyDescription("The endorsement key, base64.")
  @Pattern("^[A-Za-z0-9+/=]+$")
  private String endorsementKey;

  /** Where to read the endorsement key from. */
  @JsonPropertyDescription("Where to read the endorsement key from.")
  private ValueFromSource endorsementKeyFrom;

  /** The storage root key, base64 (optional). */
  @JsonPropertyDescription("The storage root key, base64 (optional).")
  @Pattern("^[A-Za-z0-9+/=]+$")
  private String storageRootKey;

  public String getEndorsementKey() {
    return endorsementKey;
  }

  public void setEndorsementKey(String endorsementKey) {
    this.endorsementKey = endorsementKey;
  }

  public ValueFromSource getEndorsementKeyFrom() {
    return endorsementKeyFrom;
  }

  public void setEndorsementKeyFrom(ValueFromSource endorsementKeyFrom) {
    this.endorsementKeyFrom = endorsementKeyFrom;
  }

  public String getStorageRootKey() {
    return storageRootKey;
  }

  public void setStorageRootKey(String storageRootKey) {
    this.storageRootKey = storageRootKey;
  }
}
