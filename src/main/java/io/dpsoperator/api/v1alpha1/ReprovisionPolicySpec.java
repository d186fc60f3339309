package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What DPS does when an already-registered device registers again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ReprovisionPolicySpec {
  /** Re-evaluate the hub assignment on re-registration (default true). */
  @JsonPropertyDescription("Re-evaluate the hub assignment on re-registration (default true).")
  @Default("true")
  private Boolean updateHubAssignment;

  /** Move the twin to the new hub when the hub changes (default true). */
  @JsonPropertyDescription("Move the twin to the new hub when the hub changes (default true).")
  @Default("true")
  private Boolean migrateDeviceData;

  public Boolean getUpdateHubAssignment() {
    return updateHubAssignment;
  }

  public void setUpdateHubAssignment(Boolean updateHubAssignment) {
    this.updateHubAssignment = updateHubAssignment;
  }

  public Boolean getMigrateDeviceData() {
    return migrateDeviceData;
  }

  public void setMigrateDeviceData(Boolean migrateDeviceData) {
    this.migrateDeviceData = migrateDeviceData;
  }
}
