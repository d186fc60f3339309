package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of connection object an enrollment or group names. */
public enum ConnectionKind {
  /** A DpsConnection in the resource's own namespace. */
  @JsonProperty("DpsConnection")
  DPS_CONNECTION,
  /** A ClusterDpsConnection whose namespaceSelector selects the resource's namespace. */
  @JsonProperty("ClusterDpsConnection")
  CLUSTER_DPS_CONNECTION;

  /** The value as written in YAML and JSON (the kind's name). */
  public String wire() {
    return this == DPS_CONNECTION ? "DpsConnection" : "ClusterDpsConnection";
  }
}
