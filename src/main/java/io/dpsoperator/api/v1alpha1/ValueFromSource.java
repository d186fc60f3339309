package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** A value read from a Secret or a ConfigMap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.secretKeyRef) != has(self.configMapKeyRef)",
    message = "set exactly one of secretKeyRef and configMapKeyRef")
public class ValueFromSource {
  /** A key of a Secret. */
  @JsonPropertyDescription("A key of a Secret.")
  private KeyRef secretKeyRef;

  /** A key of a ConfigMap. */
  @JsonPropertyDescription("A key of a ConfigMap.")
  private KeyRef configMapKeyRef;

  public KeyRef getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(KeyRef secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }

  public KeyRef getConfigMapKeyRef() {
    return configMapKeyRef;
  }

  public void setConfigMapKeyRef(KeyRef configMapKeyRef) {
    this.configMapKeyRef = configMapKeyRef;
  }
}
