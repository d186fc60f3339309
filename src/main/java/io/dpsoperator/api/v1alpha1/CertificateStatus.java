package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A certificate in use by the enrollment, as parsed by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CertificateStatus {
  /** primary or secondary. */
  @JsonPropertyDescription("primary or secondary.")
  private String role;

  /** The certificate subject. */
  @JsonPropertyDescription("The certificate subject.")
  private String subject;

  /** The certificate issuer. */
  @JsonPropertyDescription("The certificate issuer.")
  private String issuer;

  /** SHA-256 thumbprint, upper-case hex. */
  @JsonPropertyDescription("SHA-256 thumbprint, upper-case hex.")
  private String sha256Thumbprint;

  /** End of validity (RFC 3339). */
  @JsonPropertyDescription("End of validity (RFC 3339).")
  private String notAfter;

  /** Start of validity (RFC 3339). */
  @JsonPropertyDescription("Start of validity (RFC 3339).")
  private String notBefore;

  public String getNotBefore() {
    return notBefore;
  }

  public void setNotBefore(String notBefore) {
    this.notBefore = notBefore;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public String getSubject() {
    return subject;
  }

  public void setSubject(String subject) {
    this.subject = subject;
  }

  public String getIssuer() {
    return issuer;
  }

  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  public String getSha256Thumbprint() {
    return sha256Thumbprint;
  }

  public void setSha256Thumbprint(String sha256Thumbprint) {
    this.sha256Thumbprint = sha256Thumbprint;
  }

  public String getNotAfter() {
    return notAfter;
  }

  public void setNotAfter(String notAfter) {
    this.notAfter = notAfter;
  }
}
