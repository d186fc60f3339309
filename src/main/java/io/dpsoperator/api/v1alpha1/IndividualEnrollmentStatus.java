package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The observed state of an IndividualEnrollment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class IndividualEnrollmentStatus extends DpsRecordStatus {
  /** The registration id in DPS. */
  @JsonPropertyDescription("The registration id in DPS.")
  private String registrationId;

  /** The device's registration as DPS reports it; absent until the device registers. */
  @JsonPropertyDescription(
      "The device's registration as DPS reports it; absent until the device registers.")
  private RegistrationStateStatus registrationState;

  public String getRegistrationId() {
    return registrationId;
  }

  public void setRegistrationId(String registrationId) {
    this.registrationId = registrationId;
  }

  public RegistrationStateStatus getRegistrationState() {
    return registrationState;
  }

  public void setRegistrationState(RegistrationStateStatus registrationState) {
    this.registrationState = registrationState;
  }
}
