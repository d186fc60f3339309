package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What DPS knows about the device's registration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RegistrationStateStatus {
  /** unassigned, assigning, assigned, failed or disabled. */
  @JsonPropertyDescription("unassigned, assigning, assigned, failed or disabled.")
  private String status;

  /** initialAssignment, deviceDataMigrated, deviceDataReset or reprovisionedToInitialAssignment. */
  @JsonPropertyDescription(
      "initialAssignment, deviceDataMigrated, deviceDataReset or reprovisionedToInitialAssignment.")
  private String substatus;

  /** The IoT hub the device was assigned to. */
  @JsonPropertyDescription("The IoT hub the device was assigned to.")
  private String assignedHub;

  /** The device id in that hub. */
  @JsonPropertyDescription("The device id in that hub.")
  private String deviceId;

  /** When the device first registered. */
  @JsonPropertyDescription("When the device first registered.")
  private String createdDateTimeUtc;

  /** When the registration last changed. */
  @JsonPropertyDescription("When the registration last changed.")
  private String lastUpdatedDateTimeUtc;

  /** The DPS error code of a failed registration. */
  @JsonPropertyDescription("The DPS error code of a failed registration.")
  private Integer errorCode;

  /** The DPS error message of a failed registration. */
  @JsonPropertyDescription("The DPS error message of a failed registration.")
  private String errorMessage;

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getSubstatus() {
    return substatus;
  }

  public void setSubstatus(String substatus) {
    this.substatus = substatus;
  }

  public String getAssignedHub() {
    return assignedHub;
  }

  public void setAssignedHub(String assignedHub) {
    this.assignedHub = assignedHub;
  }

  public String getDeviceId() {
    return deviceId;
  }

  public void setDeviceId(String deviceId) {
    this.deviceId = deviceId;
  }

  public String getCreatedDateTimeUtc() {
    return createdDateTimeUtc;
  }

  public void setCreatedDateTimeUtc(String createdDateTimeUtc) {
    this.createdDateTimeUtc = createdDateTimeUtc;
  }

  public String getLastUpdatedDateTimeUtc() {
    return lastUpdatedDateTimeUtc;
  }

  public void setLastUpdatedDateTimeUtc(String lastUpdatedDateTimeUtc) {
    this.lastUpdatedDateTimeUtc = lastUpdatedDateTimeUtc;
  }

  public Integer getErrorCode() {
    return errorCode;
  }

  public void setErrorCode(Integer errorCode) {
    this.errorCode = errorCode;
  }

  public String getErrorMessage() {
    return errorMessage;
  }

  public void setErrorMessage(String errorMessage) {
    this.errorMessage = errorMessage;
  }
}
