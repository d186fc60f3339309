package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Device capabilities. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CapabilitiesSpec {
  /** Whether the device is an IoT Edge device. */
  @JsonPropertyDescription("Whether the device is an IoT Edge device.")
  @Default("false")
  private boolean iotEdge;

  public boolean isIotEdge() {
    return iotEdge;
  }

  public void setIotEdge(boolean iotEdge) {
    this.iotEdge = iotEdge;
  }
}
