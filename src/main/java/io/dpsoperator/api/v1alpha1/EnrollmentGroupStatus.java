package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The observed state of an EnrollmentGroup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class EnrollmentGroupStatus extends DpsRecordStatus {
  /** The enrollment group id in DPS. */
  @JsonPropertyDescription("The enrollment group id in DPS.")
  private String enrollmentGroupId;

  /** The devices registered through the group, refreshed periodically. */
  @JsonPropertyDescription("The devices registered through the group, refreshed periodically.")
  private DeviceSummary devices;

  public String getEnrollmentGroupId() {
    return enrollmentGroupId;
  }

  public void setEnrollmentGroupId(String enrollmentGroupId) {
    this.enrollmentGroupId = enrollmentGroupId;
  }

  public DeviceSummary getDevices() {
    return devices;
  }

  public void setDevices(DeviceSummary devices) {
    this.devices = devices;
  }
}
