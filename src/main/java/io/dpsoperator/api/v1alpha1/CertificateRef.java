package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A PEM certificate held in a Secret of the resource's namespace; a chain means its first
 * certificate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CertificateRef {
  /** Name of the Secret (a kubernetes.io/tls Secret made by cert-manager works as it is). */
  @JsonPropertyDescription(
      "Name of the Secret (a kubernetes.io/tls Secret made by cert-manager works as it is).")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String name;

  /** Key holding the PEM certificate. */
  @JsonPropertyDescription("Key holding the PEM certificate.")
  @Default("tls.crt")
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  private String key = "tls.crt";

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
