package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * X.509 attestation of a group: signing certificates from Secrets, or references to verified CA
 * certificates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.signingCertificates) != has(self.caReferences)",
    message = "set exactly one of signingCertificates and caReferences")
public class GroupX509AttestationSpec {
  /** Signing (root or intermediate) certificates the devices' chains reach. */
  @JsonPropertyDescription("Signing (root or intermediate) certificates the devices' chains reach.")
  private X509CertificatesSpec signingCertificates;

  /** CA certificates verified on the DPS instance, by name. */
  @JsonPropertyDescription("CA certificates verified on the DPS instance, by name.")
  private CaReferencesSpec caReferences;

  public X509CertificatesSpec getSigningCertificates() {
    return signingCertificates;
  }

  public void setSigningCertificates(X509CertificatesSpec signingCertificates) {
    this.signingCertificates = signingCertificates;
  }

  public CaReferencesSpec getCaReferences() {
    return caReferences;
  }

  public void setCaReferences(CaReferencesSpec caReferences) {
    this.caReferences = caReferences;
  }
}
