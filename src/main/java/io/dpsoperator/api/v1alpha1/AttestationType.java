package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the devices of an individual enrollment prove who they are. */
public enum AttestationType {
  /** Shared access signatures made from a symmetric key. */
  @JsonProperty("symmetricKey")
  SYMMETRIC_KEY,
  /** An X.509 client certificate presented over mutual TLS. */
  @JsonProperty("x509")
  X509,
  /** A TPM endorsement key. */
  @JsonProperty("tpm")
  TPM;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return AttestationType.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
