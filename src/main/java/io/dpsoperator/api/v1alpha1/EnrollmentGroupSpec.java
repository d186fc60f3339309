package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The desired DPS enrollment group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value =
        "has(oldSelf.enrollmentGroupId) == has(self.enrollmentGroupId) && (!has(self.enrollmentGroupId) || self.enrollmentGroupId == oldSelf.enrollmentGroupId)",
    message = "enrollmentGroupId is immutable")
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
public class EnrollmentGroupSpec extends DpsRecordSpec {

  /**
   * The enrollment group id (defaults to metadata.name). At most 128 characters: letters, digits
   * and - . _ :, starting and ending with a letter or digit. Immutable.
   */
  @JsonPropertyDescription(
      "The enrollment group id (defaults to metadata.name). At most 128 characters: letters, digits and - . _ :, starting and ending with a letter or digit. Immutable.")
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9\\-._:]*[A-Za-z0-9])?$")
  @Size(min = 1, max = 128)
  private String enrollmentGroupId;

  /**
   * How the group's devices prove who they are. Only public material sits here; keys come from
   * Secrets.
   */
  @JsonPropertyDescription(
      "How the group's devices prove who they are. Only public material sits here; keys come from Secrets.")
  @Required
  private GroupAttestationSpec attestation;

  /**
   * With deletionPolicy Delete: Keep (default, as DPS does) leaves the registration records of the
   * group's devices in DPS; Delete removes them as well.
   */
  @JsonPropertyDescription(
      "With deletionPolicy Delete: Keep (default, as DPS does) leaves the registration records of the group's devices in DPS; Delete removes them as well.")
  @Default("Keep")
  private RegistrationsDeletionPolicy registrationsDeletionPolicy;

  public String getEnrollmentGroupId() {
    return enrollmentGroupId;
  }

  public void setEnrollmentGroupId(String enrollmentGroupId) {
    this.enrollmentGroupId = enrollmentGroupId;
  }

  public GroupAttestationSpec getAttestation() {
    return attestation;
  }

  public void setAttestation(GroupAttestationSpec attestation) {
    this.attestation = attestation;
  }

  public RegistrationsDeletionPolicy getRegistrationsDeletionPolicy() {
    return registrationsDeletionPolicy;
  }

  public void setRegistrationsDeletionPolicy(
      RegistrationsDeletionPolicy registrationsDeletionPolicy) {
    this.registrationsDeletionPolicy = registrationsDeletionPolicy;
  }
}
