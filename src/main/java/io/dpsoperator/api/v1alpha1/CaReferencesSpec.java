package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Names of CA certificates already registered and verified on the DPS instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CaReferencesSpec {
  /** Name of the primary CA certificate. */
  @JsonPropertyDescription("Name of the primary CA certificate.")
  @Required
  @Size(min = 1)
  private String primary;

  /** Name of the secondary CA certificate. */
  @JsonPropertyDescription("Name of the secondary CA certificate.")
  @Size(min = 1)
  private String secondary;

  public String getPrimary() {
    return primary;
  }

  public void setPrimary(String primary) {
    this.primary = primary;
  }

  public String getSecondary() {
    return secondary;
  }

  public void setSecondary(String secondary) {
    this.secondary = secondary;
  }
}
