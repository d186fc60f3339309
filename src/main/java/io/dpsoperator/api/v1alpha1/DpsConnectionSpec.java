package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One DPS instance: where it is, how to authenticate, and what devices are told. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DpsConnectionSpec {
  /**
   * The DPS service host, e.g. my-dps.azure-devices-provisioning.net (a port may follow). With SAS
   * auth it must equal the connection string's HostName.
   */
  @JsonPropertyDescription(
      "The DPS service host, e.g. my-dps.azure-devices-provisioning.net (a port may follow). With SAS auth it must equal the connection string's HostName.")
  @Required
  @Pattern("^[A-Za-z0-9_\\-.]+(:[0-9]{1,5})?$")
  @Size(max = 253)
  private String host;

  /** How the operator authenticates to DPS: exactly one of sasSecretRef and workloadIdentity. */
  @JsonPropertyDescription(
      "How the operator authenticates to DPS: exactly one of sasSecretRef and workloadIdentity.")
  @Required
  private DpsConnectionAuth auth;

  /** The DPS ID scope, written into generated device Secrets (idScope). */
  @JsonPropertyDescription("The DPS ID scope, written into generated device Secrets (idScope).")
  @Size(max = 64)
  private String idScope;

  /**
   * The device registration endpoint, written into generated device Secrets (provisioningHost);
   * default: the operator's DPS_OPERATOR_DEVICE_ENDPOINT.
   */
  @JsonPropertyDescription(
      "The device registration endpoint, written into generated device Secrets (provisioningHost); default: the operator's DPS_OPERATOR_DEVICE_ENDPOINT.")
  @Size(max = 253)
  private String deviceEndpoint;

  /**
   * Service operations per minute the operator allows itself on this DPS, shared by every resource
   * that uses this connection (one DPS unit allows 1,000).
   */
  @JsonPropertyDescription(
      "Service operations per minute the operator allows itself on this DPS, shared by every resource that uses this connection (one DPS unit allows 1,000).")
  @Default("1000")
  @Min(1)
  @Max(1000000)
  private Integer rateLimitPerMinute;

  /**
   * Extra trusted CA certificates (PEM) for this DPS's TLS certificate, added to the system trust
   * store. Empty: the operator-wide trust.
   */
  @JsonPropertyDescription(
      "Extra trusted CA certificates (PEM) for this DPS's TLS certificate, added to the system trust store. Empty: the operator-wide trust.")
  @Size(max = 65536)
  private String caBundle;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public DpsConnectionAuth getAuth() {
    return auth;
  }

  public void setAuth(DpsConnectionAuth auth) {
    this.auth = auth;
  }

  public String getIdScope() {
    return idScope;
  }

  public void setIdScope(String idScope) {
    this.idScope = idScope;
  }

  public String getDeviceEndpoint() {
    return deviceEndpoint;
  }

  public void setDeviceEndpoint(String deviceEndpoint) {
    this.deviceEndpoint = deviceEndpoint;
  }

  public Integer getRateLimitPerMinute() {
    return rateLimitPerMinute;
  }

  public void setRateLimitPerMinute(Integer rateLimitPerMinute) {
    this.rateLimitPerMinute = rateLimitPerMinute;
  }

  public String getCaBundle() {
    return caBundle;
  }

  public void setCaBundle(String caBundle) {
    this.caBundle = caBundle;
  }
}
