package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** How the operator authenticates to DPS: exactly one of the two. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.sasSecretRef) != has(self.workloadIdentity)",
    message = "set exactly one of sasSecretRef and workloadIdentity")
public class DpsConnectionAuth {
  /**
   * A Secret with the DPS service connection string (shared access policy and key). A DpsConnection
   * reads it from its own namespace, a ClusterDpsConnection from the operator's namespace.
   */
  @JsonPropertyDescription(
      "A Secret with the DPS service connection string (shared access policy and key). A DpsConnection reads it from its own namespace, a ClusterDpsConnection from the operator's namespace.")
  private ConnectionSecretRef sasSecretRef;

  /** Entra ID workload identity (the pod's federated token). */
  @JsonPropertyDescription("Entra ID workload identity (the pod's federated token).")
  private WorkloadIdentityAuth workloadIdentity;

  public ConnectionSecretRef getSasSecretRef() {
    return sasSecretRef;
  }

  public void setSasSecretRef(ConnectionSecretRef sasSecretRef) {
    this.sasSecretRef = sasSecretRef;
  }

  public WorkloadIdentityAuth getWorkloadIdentity() {
    return workloadIdentity;
  }

  public void setWorkloadIdentity(WorkloadIdentityAuth workloadIdentity) {
    this.workloadIdentity = workloadIdentity;
  }
}
