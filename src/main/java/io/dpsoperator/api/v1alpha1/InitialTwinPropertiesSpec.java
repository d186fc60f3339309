package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** The properties block of the initial twin. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class InitialTwinPropertiesSpec {
  /** Desired properties, free-form JSON kept exactly. */
  @JsonPropertyDescription("Desired properties, free-form JSON kept exactly.")
  @PreserveUnknownFields
  private JsonNode desired;

  public JsonNode getDesired() {
    return desired;
  }

  public void setDesired(JsonNode desired) {
    this.desired = desired;
  }
}
