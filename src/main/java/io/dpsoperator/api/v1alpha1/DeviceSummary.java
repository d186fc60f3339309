package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The devices registered through a group, by registration status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DeviceSummary {
  /** All registration records of the group. */
  @JsonPropertyDescription("All registration records of the group.")
  private Integer total;

  /** Devices assigned to a hub. */
  @JsonPropertyDescription("Devices assigned to a hub.")
  private Integer assigned;

  /** Devices being assigned. */
  @JsonPropertyDescription("Devices being assigned.")
  private Integer assigning;

  /** Devices whose registration failed. */
  @JsonPropertyDescription("Devices whose registration failed.")
  private Integer failed;

  /** Devices refused because the enrollment is disabled. */
  @JsonPropertyDescription("Devices refused because the enrollment is disabled.")
  private Integer disabled;

  /** Devices not assigned. */
  @JsonPropertyDescription("Devices not assigned.")
  private Integer unassigned;

  /** The latest registration update of any device (RFC 3339). */
  @JsonPropertyDescription("The latest registration update of any device (RFC 3339).")
  private String latestRegistrationTime;

  /** When this summary was computed (RFC 3339). */
  @JsonPropertyDescription("When this summary was computed (RFC 3339).")
  private String refreshedTime;

  public Integer getTotal() {
    return total;
  }

  public void setTotal(Integer total) {
    this.total = total;
  }

  public Integer getAssigned() {
    return assigned;
  }

  public void setAssigned(Integer assigned) {
    this.assigned = assigned;
  }

  public Integer getAssigning() {
    return assigning;
  }

  public void setAssigning(Integer assigning) {
    this.assigning = assigning;
  }

  public Integer getFailed() {
    return failed;
  }

  public void setFailed(Integer failed) {
    this.failed = failed;
  }

  public Integer getDisabled() {
    return disabled;
  }

  public void setDisabled(Integer disabled) {
    this.disabled = disabled;
  }

  public Integer getUnassigned() {
    return unassigned;
  }

  public void setUnassigned(Integer unassigned) {
    this.unassigned = unassigned;
  }

  public String getLatestRegistrationTime() {
    return latestRegistrationTime;
  }

  public void setLatestRegistrationTime(String latestRegistrationTime) {
    this.latestRegistrationTime = latestRegistrationTime;
  }

  public String getRefreshedTime() {
    return refreshedTime;
  }

  public void setRefreshedTime(String refreshedTime) {
    this.refreshedTime = refreshedTime;
  }
}
