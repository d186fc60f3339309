package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired DPS individual enrollment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "has(oldSelf.registrationId) == has(self.registrationId) && (!has(self.registrationId) || self.registrationId == oldSelf.registrationId)",
    message = "registrationId is immutable")
@ValidationRule(
    value =
        "!has(self.allocationPolicy) || self.allocationPolicy != 'custom' || has(self.customAllocationDefinition)",
    message = "allocationPolicy custom needs customAllocationDefinition")
@ValidationRule(
    value =
        "!has(self.allocationPolicy) || self.allocationPolicy != 'static' || (has(self.iotHubs) && size(self.iotHubs) == 1)",
    message = "allocationPolicy static needs exactly one entry in iotHubs")
@ValidationRule(
    value = "!has(self.connectionRef) || !has(self.connectionSecretRef)",
    message = "set connectionRef or connectionSecretRef, not both")
public class IndividualEnrollmentSpec extends DpsRecordSpec {

  /**
   * The registration id (defaults to metadata.name). Case-insensitive, at most 128 characters:
   * letters, digits and - . _ :, starting and ending with a letter or digit. Immutable.
   */
  @JsonPropertyDescription(
      "The registration id (defaults to metadata.name). Case-insensitive, at most 128 characters: letters, digits and - . _ :, starting and ending with a letter or digit. Immutable.")
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9\\-._:]*[A-Za-z0-9])?$")
  @Size(min = 1, max = 128)
  private String registrationId;

  /**
   * The IoT Hub device id to create (default: the registration id). At most 128 characters:
   * letters, digits and - . + % _ # * ? ! ( ) , : = @ $ '.
   */
  @JsonPropertyDescription(
      "The IoT Hub device id to create (default: the registration id). At most 128 characters: letters, digits and - . + % _ # * ? ! ( ) , : = @ $ '.")
  @Pattern("^[A-Za-z0-9\\-.+%_#*?!(),:=@$']+$")
  @Size(min = 1, max = 128)
  private String deviceId;

  /** How the device proves who it is. Only public material sits here; keys come from Secrets. */
  @JsonPropertyDescription(
      "How the device proves who it is. Only public material sits here; keys come from Secrets.")
  @Required
  private IndividualAttestationSpec attestation;

  /** Optional device information, free-form JSON kept exactly. */
  @JsonPropertyDescription("Optional device information, free-form JSON kept exactly.")
  @PreserveUnknownFields
  private JsonNode optionalDeviceInformation;

  public String getRegistrationId() {
    return registrationId;
  }

  public void setRegistrationId(String registrationId) {
    this.registrationId = registrationId;
  }

  public String getDeviceId() {
    return deviceId;
  }

  public void setDeviceId(String deviceId) {
    this.deviceId = deviceId;
  }

  public IndividualAttestationSpec getAttestation() {
    return attestation;
  }

  public void setAttestation(IndividualAttestationSpec attestation) {
    this.attestation = attestation;
  }

  public JsonNode getOptionalDeviceInformation() {
    return optionalDeviceInformation;
  }

  public void setOptionalDeviceInformation(JsonNode optionalDeviceInformation) {
    this.optionalDeviceInformation = optionalDeviceInformation;
  }
}
