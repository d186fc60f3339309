package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The attestation type of an enrollment. */
public enum AttestationType {
  NONE("none"),
  TPM("tpm"),
  X509("x509"),
  SYMMETRIC_KEY("symmetricKey");

  private final String wire;

  AttestationType(String wire) {
    this.wire = wire;
  }

  /** The JSON value. */
  @JsonValue
  public String wire() {
    return wire;
  }
}
