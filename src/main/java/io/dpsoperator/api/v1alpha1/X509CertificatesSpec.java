package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A primary and an optional secondary certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class X509CertificatesSpec {
  /** The primary certificate. */
  @JsonPropertyDescription("The primary certificate.")
  @Required
  private CertificateRef primary;

  /** The secondary certificate, for rotation without downtime. */
  @JsonPropertyDescription("The secondary certificate, for rotation without downtime.")
  private CertificateRef secondary;

  public CertificateRef getPrimary() {
    return primary;
  }

  public void setPrimary(CertificateRef primary) {
    this.primary = primary;
  }

  public CertificateRef getSecondary() {
    return secondary;
  }

  public void setSecondary(CertificateRef secondary) {
    this.secondary = secondary;
  }
}
