package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator writes to DPS for a resource, or only reads what DPS holds. */
public enum ReconcilePolicy {
  /** The operator makes DPS hold the desired record: creates, updates and deletes it. */
  @JsonProperty("Manage")
  MANAGE,
  /**
   * The operator never writes to DPS nor the Secret of generated keys: the status mirrors what DPS
   * holds and the InSync condition tells whether it differs from the spec.
   */
  @JsonProperty("Observe")
  OBSERVE
}
