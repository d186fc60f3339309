package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How DPS picks the IoT hub of a device. */
public enum AllocationPolicy {
  /** Weighted hash over the candidate hubs. */
  @JsonProperty("hashed")
  HASHED,
  /** The hub with the lowest latency to the device. */
  @JsonProperty("geoLatency")
  GEO_LATENCY,
  /** The single hub named in iotHubs. */
  @JsonProperty("static")
  STATIC,
  /** A webhook chooses (customAllocationDefinition). */
  @JsonProperty("custom")
  CUSTOM;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return AllocationPolicy.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
