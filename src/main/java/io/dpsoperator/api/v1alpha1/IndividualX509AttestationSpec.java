package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * X.509 attestation of an individual enrollment: the device's client certificates (public part
 * only).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class IndividualX509AttestationSpec {
  /** The device's client certificates. */
  @JsonPropertyDescription("The device's client certificates.")
  @Required
  private X509CertificatesSpec clientCertificates;

  public X509CertificatesSpec getClientCertificates() {
    return clientCertificates;
  }

  public void setClientCertificates(X509CertificatesSpec clientCertificates) {
    this.clientCertificates = clientCertificates;
  }
}
