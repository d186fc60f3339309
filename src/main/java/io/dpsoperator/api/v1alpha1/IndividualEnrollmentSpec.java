package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

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
public class IndividualEnrollmentSpec {
  /**
   * The registration id (defaults to metadata.name). Case-insensitive, at most 128 characters:
   * letters, digits and - . _ :, ending with a letter, digit or -. Immutable.
   */
  @JsonPropertyDescription(
      "The registration id (defaults to metadata.name). Case-insensitive, at most 128 characters: letters, digits and - . _ :, ending with a letter, digit or -. Immutable.")
  @Pattern("^[A-Za-z0-9\\-._:]*[A-Za-z0-9\\-]$")
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

  /** enabled (default) or disabled. */
  @JsonPropertyDescription("enabled (default) or disabled.")
  @Default("enabled")
  private ProvisioningStatus provisioningStatus;

  /** How the device proves who it is. Only public material sits here; keys come from Secrets. */
  @JsonPropertyDescription(
      "How the device proves who it is. Only public material sits here; keys come from Secrets.")
  @Required
  private IndividualAttestationSpec attestation;

  /**
   * How DPS picks the IoT hub: hashed, geoLatency, static or custom. Absent: the DPS instance
   * default.
   */
  @JsonPropertyDescription(
      "How DPS picks the IoT hub: hashed, geoLatency, static or custom. Absent: the DPS instance default.")
  private AllocationPolicy allocationPolicy;

  /** Host names of the candidate IoT hubs (linked to the DPS instance). Empty: all linked hubs. */
  @JsonPropertyDescription(
      "Host names of the candidate IoT hubs (linked to the DPS instance). Empty: all linked hubs.")
  @Size(max = 50)
  private List<String> iotHubs;

  /** The webhook of the custom allocation policy. */
  @JsonPropertyDescription("The webhook of the custom allocation policy.")
  private CustomAllocationSpec customAllocationDefinition;

  /** The initial device twin (tags and desired properties). */
  @JsonPropertyDescription("The initial device twin (tags and desired properties).")
  private InitialTwinSpec initialTwin;

  /** Device capabilities (iotEdge). */
  @JsonPropertyDescription("Device capabilities (iotEdge).")
  private CapabilitiesSpec capabilities;

  /** Behaviour on re-registration. */
  @JsonPropertyDescription("Behaviour on re-registration.")
  private ReprovisionPolicySpec reprovisionPolicy;

  /**
   * Delete (default) removes the record from DPS when the resource is deleted; Orphan leaves DPS
   * untouched.
   */
  @JsonPropertyDescription(
      "Delete (default) removes the record from DPS when the resource is deleted; Orphan leaves DPS untouched.")
  @Default("Delete")
  private DeletionPolicy deletionPolicy;

  /**
   * A Secret in this namespace with the DPS connection string; default: the operator-wide
   * connection Secret.
   */
  @JsonPropertyDescription(
      "A Secret in this namespace with the DPS connection string; default: the operator-wide connection Secret.")
  private ConnectionSecretRef connectionSecretRef;

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

  public ProvisioningStatus getProvisioningStatus() {
    return provisioningStatus;
  }

  public void setProvisioningStatus(ProvisioningStatus provisioningStatus) {
    this.provisioningStatus = provisioningStatus;
  }

  public IndividualAttestationSpec getAttestation() {
    return attestation;
  }

  public void setAttestation(IndividualAttestationSpec attestation) {
    this.attestation = attestation;
  }

  public AllocationPolicy getAllocationPolicy() {
    return allocationPolicy;
  }

  public void setAllocationPolicy(AllocationPolicy allocationPolicy) {
    this.allocationPolicy = allocationPolicy;
  }

  public List<String> getIotHubs() {
    return iotHubs;
  }

  public void setIotHubs(List<String> iotHubs) {
    this.iotHubs = iotHubs;
  }

  public CustomAllocationSpec getCustomAllocationDefinition() {
    return customAllocationDefinition;
  }

  public void setCustomAllocationDefinition(CustomAllocationSpec customAllocationDefinition) {
    this.customAllocationDefinition = customAllocationDefinition;
  }

  public InitialTwinSpec getInitialTwin() {
    return initialTwin;
  }

  public void setInitialTwin(InitialTwinSpec initialTwin) {
    this.initialTwin = initialTwin;
  }

  public CapabilitiesSpec getCapabilities() {
    return capabilities;
  }

  public void setCapabilities(CapabilitiesSpec capabilities) {
    this.capabilities = capabilities;
  }

  public ReprovisionPolicySpec getReprovisionPolicy() {
    return reprovisionPolicy;
  }

  public void setReprovisionPolicy(ReprovisionPolicySpec reprovisionPolicy) {
    this.reprovisionPolicy = reprovisionPolicy;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public ConnectionSecretRef getConnectionSecretRef() {
    return connectionSecretRef;
  }

  public void setConnectionSecretRef(ConnectionSecretRef connectionSecretRef) {
    this.connectionSecretRef = connectionSecretRef;
  }

  public JsonNode getOptionalDeviceInformation() {
    return optionalDeviceInformation;
  }

  public void setOptionalDeviceInformation(JsonNode optionalDeviceInformation) {
    this.optionalDeviceInformation = optionalDeviceInformation;
  }
}
