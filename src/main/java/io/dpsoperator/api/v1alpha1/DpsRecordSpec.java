package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.dpsoperator.api.v1alpha1.tolerant.UnreadableSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Optional;

/** The spec fields both kinds share: how DPS treats the devices, and how the record is managed. */
public abstract class DpsRecordSpec {

  /** enabled (default) or disabled. */
  @JsonPropertyDescription("enabled (default) or disabled.")
  @Default("enabled")
  private ProvisioningStatus provisioningStatus;

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

  // Per-resource control (issue #11): whether and how the operator may write to DPS.

  /**
   * Manage (default) makes DPS hold this spec; Observe never writes to DPS: the status mirrors the
   * record and the InSync condition tells whether it differs from the spec.
   */
  @JsonPropertyDescription(
      "Manage (default) makes DPS hold this spec; Observe never writes to DPS: the status mirrors the record and the InSync condition tells whether it differs from the spec.")
  @Default("Manage")
  private ReconcilePolicy reconcilePolicy;

  /**
   * What to do with a DPS record that exists before this resource manages it: Adopt (default) takes
   * it over but never deletes it; AdoptAndOwn takes it over and lets deletionPolicy apply; Refuse
   * leaves it alone.
   */
  @JsonPropertyDescription(
      "What to do with a DPS record that exists before this resource manages it: Adopt (default) takes it over but never deletes it; AdoptAndOwn takes it over and lets deletionPolicy apply; Refuse leaves it alone.")
  @Default("Adopt")
  private AdoptionPolicy adoptionPolicy;

  /**
   * The DpsConnection or ClusterDpsConnection of the DPS this record lives in; default: the
   * operator-wide connection. Not together with connectionSecretRef.
   */
  @JsonPropertyDescription(
      "The DpsConnection or ClusterDpsConnection of the DPS this record lives in; default: the operator-wide connection. Not together with connectionSecretRef.")
  private ConnectionRef connectionRef;

  public ProvisioningStatus getProvisioningStatus() {
    return provisioningStatus;
  }

  public void setProvisioningStatus(ProvisioningStatus provisioningStatus) {
    this.provisioningStatus = provisioningStatus;
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

  public ReconcilePolicy getReconcilePolicy() {
    return reconcilePolicy;
  }

  public void setReconcilePolicy(ReconcilePolicy reconcilePolicy) {
    this.reconcilePolicy = reconcilePolicy;
  }

  public AdoptionPolicy getAdoptionPolicy() {
    return adoptionPolicy;
  }

  public void setAdoptionPolicy(AdoptionPolicy adoptionPolicy) {
    this.adoptionPolicy = adoptionPolicy;
  }

  public ConnectionRef getConnectionRef() {
    return connectionRef;
  }

  public void setConnectionRef(ConnectionRef connectionRef) {
    this.connectionRef = connectionRef;
  }

  /**
   * Why the operator could not read this spec, when it could not: the fields that did not fit the
   * model (an unknown enum value, a string where an object belongs). Not part of the resource's
   * JSON: the spec is then serialized exactly as it was read (see {@code
   * io.dpsoperator.api.v1alpha1.tolerant.TolerantSpecDeserializer}).
   */
  public Optional<UnreadableSpec> unreadable() {
    return Optional.empty();
  }
}
