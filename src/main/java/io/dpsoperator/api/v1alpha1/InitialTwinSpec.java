package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** The initial state of the device twin in IoT Hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class InitialTwinSpec {
  /** Twin tags, free-form JSON kept exactly. */
  @JsonPropertyDescription("Twin tags, free-form JSON kept exactly.")
  @PreserveUnknownFields
  private JsonNode tags;

  /** Twin properties (desired). */
  @JsonPropertyDescription("Twin properties (desired).")
  private InitialTwinPropertiesSpec properties;

  public JsonNode getTags() {
    return tags;
  }

  public void setTags(JsonNode tags) {
    this.tags = tags;
  }

  public InitialTwinPropertiesSpec getProperties() {
    return properties;
  }

  public void setProperties(InitialTwinPropertiesSpec properties) {
    this.properties = properties;
  }
}
