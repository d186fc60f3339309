package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Symmetric-key attestation: primary and secondary keys, base64. Null keys ask DPS to generate
 * them. {@link #toString()} never shows the keys.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SymmetricKeyAttestation(String primaryKey, String secondaryKey) {

  @Override
  public String toString() {
    return "SymmetricKeyAttestation[primaryKey="
        + (primaryKey == null ? "null" : "***")
        + ", secondaryKey="
        + (secondaryKey == null ? "null" : "***")
        + "]";
  }
}
