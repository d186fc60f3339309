package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** How DPS picks the IoT hub of a device. */
public enum AllocationPolicy {
  HASHED("hashed"),
  GEO_LATENCY("geoLatency"),
  STATIC("static"),
  CUSTOM("custom");

  private final String wire;

  AllocationPolicy(String wire) {
    this.wire = wire;
  }

  /** The JSON value. */
  @JsonValue
  public String wire() {
    return wire;
  }
}
