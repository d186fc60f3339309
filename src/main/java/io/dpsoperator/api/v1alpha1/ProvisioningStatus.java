package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether DPS admits the devices of an enrollment. */
public enum ProvisioningStatus {
  /** Devices may register. */
  @JsonProperty("enabled")
  ENABLED,
  /** Devices are refused. */
  @JsonProperty("disabled")
  DISABLED;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return ProvisioningStatus.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
