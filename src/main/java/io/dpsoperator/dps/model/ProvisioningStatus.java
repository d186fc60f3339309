package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether DPS admits devices for an enrollment. */
public enum ProvisioningStatus {
  ENABLED("enabled"),
  DISABLED("disabled");

  private final String wire;

  ProvisioningStatus(String wire) {
    this.wire = wire;
  }

  /** The JSON value. */
  @JsonValue
  public String wire() {
    return wire;
  }
}
