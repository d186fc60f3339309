package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the devices of an enrollment group prove who they are (DPS has no TPM groups). */
public enum GroupAttestationType {
  /** Device keys derived from the group key. */
  @JsonProperty("symmetricKey")
  SYMMETRIC_KEY,
  /** Device certificates chaining to a signing certificate or a verified CA. */
  @JsonProperty("x509")
  X509;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return GroupAttestationType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
