package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * A DPS individual enrollment. The read-only fields ({@code etag}, the timestamps and {@code
 * registrationState}) are read from answers but never written into a request body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndividualEnrollment(
    String registrationId,
    String deviceId,
    AttestationMechanism attestation,
    DeviceCapabilities capabilities,
    String iotHubHostName,
    InitialTwin initialTwin,
    ProvisioningStatus provisioningStatus,
    ReprovisionPolicy reprovisionPolicy,
    AllocationPolicy allocationPolicy,
    List<String> iotHubs,
    CustomAllocationDefinition customAllocationDefinition,
    ObjectNode optionalDeviceInformation,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String etag,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Instant createdDateTimeUtc,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Instant lastUpdatedDateTimeUtc,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        DeviceRegistrationState registrationState) {

  /** A builder for a new enrollment. */
  public static Builder builder(String registrationId) {
    return new Builder().registrationId(registrationId);
  }

  /** A builder holding this enrollment's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.registrationId = registrationId;
    b.deviceId = deviceId;
    b.attestation = attestation;
    b.capabilities = capabilities;
    b.iotHubHostName = iotHubHostName;
    b.initialTwin = initialTwin;
    b.provisioningStatus = provisioningStatus;
    b.reprovisionPolicy = reprovisionPolicy;
    b.allocationPolicy = allocationPolicy;
    b.iotHubs = iotHubs;
    b.customAllocationDefinition = customAllocationDefinition;
    b.optionalDeviceInformation = optionalDeviceInformation;
    b.etag = etag;
    b.createdDateTimeUtc = createdDateTimeUtc;
    b.lastUpdatedDateTimeUtc = lastUpdatedDateTimeUtc;
    b.registrationState = registrationState;
    return b;
  }

  /** Builds an {@link IndividualEnrollment}. */
  public static final class Builder {
    private String registrationId;
    private String deviceId;
    private AttestationMechanism attestation;
    private DeviceCapabilities capabilities;
    private String iotHubHostName;
    private InitialTwin initialTwin;
    private ProvisioningStatus provisioningStatus;
    private ReprovisionPolicy reprovisionPolicy;
    private AllocationPolicy allocationPolicy;
    private List<String> iotHubs;
    private CustomAllocationDefinition customAllocationDefinition;
    private ObjectNode optionalDeviceInformation;
    private String etag;
    private Instant createdDateTimeUtc;
    private Instant lastUpdatedDateTimeUtc;
    private DeviceRegistrationState registrationState;

    private Builder() {}

    public Builder registrationId(String v) {
      registrationId = v;
      return this;
    }

    public Builder deviceId(String v) {
      deviceId = v;
      return this;
    }

    public Builder attestation(AttestationMechanism v) {
      attestation = v;
      return this;
    }

    public Builder capabilities(DeviceCapabilities v) {
      capabilities = v;
      return this;
    }

    public Builder iotHubHostName(String v) {
      iotHubHostName = v;
      return this;
    }

    public Builder initialTwin(InitialTwin v) {
      initialTwin = v;
      return this;
    }

    public Builder provisioningStatus(ProvisioningStatus v) {
      provisioningStatus = v;
      return this;
    }

    public Builder reprovisionPolicy(ReprovisionPolicy v) {
      reprovisionPolicy = v;
      return this;
    }

    public Builder allocationPolicy(AllocationPolicy v) {
      allocationPolicy = v;
      return this;
    }

    public Builder iotHubs(List<String> v) {
      iotHubs = v == null ? null : List.copyOf(v);
      return this;
    }

    public Builder customAllocationDefinition(CustomAllocationDefinition v) {
      customAllocationDefinition = v;
      return this;
    }

    public Builder optionalDeviceInformation(ObjectNode v) {
      optionalDeviceInformation = v;
      return this;
    }

    public Builder etag(String v) {
      etag = v;
      return this;
    }

    public Builder createdDateTimeUtc(Instant v) {
      createdDateTimeUtc = v;
      return this;
    }

    public Builder lastUpdatedDateTimeUtc(Instant v) {
      lastUpdatedDateTimeUtc = v;
      return this;
    }

    public Builder registrationState(DeviceRegistrationState v) {
      registrationState = v;
      return this;
    }

    public IndividualEnrollment build() {
      return new IndividualEnrollment(
          registrationId,
          deviceId,
          attestation,
          capabilities,
          iotHubHostName,
          initialTwin,
          provisioningStatus,
          reprovisionPolicy,
          allocationPolicy,
          iotHubs,
          customAllocationDefinition,
          optionalDeviceInformation,
          etag,
          createdDateTimeUtc,
          lastUpdatedDateTimeUtc,
          registrationState);
    }
  }
}
