package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed of a DPS connection. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DpsConnectionStatus {
  /** The metadata.generation this status describes. */
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  /**
   * Conditions in the Kubernetes shape; Ready tells whether an authenticated query of DPS
   * succeeded.
   */
  @JsonPropertyDescription(
      "Conditions in the Kubernetes shape; Ready tells whether an authenticated query of DPS succeeded.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions;

  /** SharedAccessKey or WorkloadIdentity. */
  @JsonPropertyDescription("SharedAccessKey or WorkloadIdentity.")
  private String authType;

  /** How many enrollments and enrollment groups use this connection. */
  @JsonPropertyDescription("How many enrollments and enrollment groups use this connection.")
  private Integer resources;

  /** When the operator last checked the connection with a query of DPS (RFC 3339). */
  @JsonPropertyDescription(
      "When the operator last checked the connection with a query of DPS (RFC 3339).")
  private String lastCheckTime;

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

  public String getAuthType() {
    return authType;
  }

  public void setAuthType(String authType) {
    this.authType = authType;
  }

  public Integer getResources() {
    return resources;
  }

  public void setResources(Integer resources) {
    this.resources = resources;
  }

  public String getLastCheckTime() {
    return lastCheckTime;
  }

  public void setLastCheckTime(String lastCheckTime) {
    this.lastCheckTime = lastCheckTime;
  }
}
