package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** The status fields shared by individual enrollments and enrollment groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public abstract class DpsRecordStatus {
  /** The metadata.generation this status describes. */
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  /** Conditions in the Kubernetes shape; Ready tells whether DPS holds the desired record. */
  @JsonPropertyDescription(
      "Conditions in the Kubernetes shape; Ready tells whether DPS holds the desired record.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions;

  /** The DPS etag of the record as last written or read by the operator. */
  @JsonPropertyDescription("The DPS etag of the record as last written or read by the operator.")
  private String etag;

  /** When DPS created the record. */
  @JsonPropertyDescription("When DPS created the record.")
  private String createdDateTimeUtc;

  /** When DPS last changed the record. */
  @JsonPropertyDescription("When DPS last changed the record.")
  private String lastUpdatedDateTimeUtc;

  /**
   * When the operator last confirmed that DPS holds the desired record (RFC 3339). It moves with
   * every sync that changes the status and, while nothing changes, at least once per status
   * heartbeat (DPS_OPERATOR_STATUS_HEARTBEAT, 1h by default); a failed sync leaves it as it was.
   */
  @JsonPropertyDescription(
      "When the operator last confirmed that DPS holds the desired record (RFC 3339). It moves with every sync that changes the status and, while nothing changes, at least once per status heartbeat (DPS_OPERATOR_STATUS_HEARTBEAT, 1h by default); a failed sync leaves it as it was.")
  private String lastSyncTime;

  /** For X.509: subject, thumbprint and expiry of the certificates in use. */
  @JsonPropertyDescription("For X.509: subject, thumbprint and expiry of the certificates in use.")
  private List<CertificateStatus> certificates;

  /** For generated symmetric keys: the Secret the operator wrote them to. */
  @JsonPropertyDescription("For generated symmetric keys: the Secret the operator wrote them to.")
  private String keysSecretName;

  /** The DPS service host the record lives in. */
  @JsonPropertyDescription("The DPS service host the record lives in.")
  private String dpsHost;

  /**
   * SHA-256 of the desired DPS record (secret material included) last applied; detects Secret
   * rotations without reading keys back.
   */
  @JsonPropertyDescription(
      "SHA-256 of the desired DPS record (secret material included) last applied; detects Secret rotations without reading keys back.")
  private String appliedHash;

  /**
   * Created when the operator created the record in DPS, Adopted when it took over a record that
   * existed before; absent while it has taken neither (Observe, paused, or adoption refused).
   */
  @JsonPropertyDescription(
      "Created when the operator created the record in DPS, Adopted when it took over a record that existed before; absent while it has taken neither (Observe, paused, or adoption refused).")
  private String ownership;

  /** The value of the dpsoperator.io/force-sync annotation the operator last acted on. */
  @JsonPropertyDescription(
      "The value of the dpsoperator.io/force-sync annotation the operator last acted on.")
  private String lastForceSync;

  public String getOwnership() {
    return ownership;
  }

  public void setOwnership(String ownership) {
    this.ownership = ownership;
  }

  public String getLastForceSync() {
    return lastForceSync;
  }

  public void setLastForceSync(String lastForceSync) {
    this.lastForceSync = lastForceSync;
  }

  public String getAppliedHash() {
    return appliedHash;
  }

  public void setAppliedHash(String appliedHash) {
    this.appliedHash = appliedHash;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getEtag() {
    return etag;
  }

  public void setEtag(String etag) {
    this.etag = etag;
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

  public String getLastSyncTime() {
    return lastSyncTime;
  }

  public void setLastSyncTime(String lastSyncTime) {
    this.lastSyncTime = lastSyncTime;
  }

  public List<CertificateStatus> getCertificates() {
    return certificates;
  }

  public void setCertificates(List<CertificateStatus> certificates) {
    this.certificates = certificates;
  }

  public String getKeysSecretName() {
    return keysSecretName;
  }

  public void setKeysSecretName(String keysSecretName) {
    this.keysSecretName = keysSecretName;
  }

  public String getDpsHost() {
    return dpsHost;
  }

  public void setDpsHost(String dpsHost) {
    this.dpsHost = dpsHost;
  }
}
