package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * A DPS enrollment group. The read-only fields ({@code etag} and the timestamps) are read from
 * answers but never written into a request body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnrollmentGroup(
    String enrollmentGroupId,
    AttestationMechanism attestation,
    DeviceCapabilities capabilities,
    String iotHubHostName,
    InitialTwin initialTwin,
    ProvisioningStatus provisioningStatus,
    ReprovisionPolicy reprovisionPolicy,
    AllocationPolicy allocationPolicy,
    List<String> iotHubs,
    CustomAllocationDefinition customAllocationDefinition,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) String etag,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Instant createdDateTimeUtc,
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Instant lastUpdatedDateTimeUtc) {

  /** A builder for a new group. */
  public static Builder builder(String enrollmentGroupId) {
    return new Builder().enrollmentGroupId(enrollmentGroupId);
  }

  /** A builder holding this group's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.enrollmentGroupId = enrollmentGroupId;
    b.attestation = attestation;
    b.capabilities = capabilities;
    b.iotHubHostName = iotHubHostName;
    b.initialTwin = initialTwin;
    b.provisioningStatus = provisioningStatus;
    b.reprovisionPolicy = reprovisionPolicy;
    b.allocationPolicy = allocationPolicy;
    b.iotHubs = iotHubs;
    b.customAllocationDefinition = customAllocationDefinition;
    b.etag = etag;
    b.createdDateTimeUtc = createdDateTimeUtc;
    b.lastUpdatedDateTimeUtc = lastUpdatedDateTimeUtc;
    return b;
  }

  /** Builds an {@link EnrollmentGroup}. */
  public static final class Builder {
    private String enrollmentGroupId;
    private AttestationMechanism attestation;
    private DeviceCapabilities capabilities;
    private String iotHubHostName;
    private InitialTwin initialTwin;
    private ProvisioningStatus provisioningStatus;
    private ReprovisionPolicy reprovisionPolicy;
    private AllocationPolicy allocationPolicy;
    private List<String> iotHubs;
    private CustomAllocationDefinition customAllocationDefinition;
    private String etag;
    private Instant createdDateTimeUtc;
    private Instant lastUpdatedDateTimeUtc;

    private Builder() {}

    public Builder enrollmentGroupId(String v) {
      enrollmentGroupId = v;
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

    public EnrollmentGroup build() {
      return new EnrollmentGroup(
          enrollmentGroupId,
          attestation,
          capabilities,
          iotHubHostName,
          initialTwin,
          provisioningStatus,
          reprovisionPolicy,
          allocationPolicy,
          iotHubs,
          customAllocationDefinition,
          etag,
          createdDateTimeUtc,
          lastUpdatedDateTimeUtc);
    }
  }
}
