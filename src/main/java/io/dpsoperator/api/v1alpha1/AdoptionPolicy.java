package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the operator does with a DPS record that exists before the resource manages it. */
public enum AdoptionPolicy {
  /**
   * The record is adopted and made to match the spec, but it is never deleted from DPS when the
   * resource is deleted: the operator did not create it.
   */
  @JsonProperty("Adopt")
  ADOPT,
  /** The record is adopted and treated as created by the operator: deletionPolicy applies. */
  @JsonProperty("AdoptAndOwn")
  ADOPT_AND_OWN,
  /** The record is left alone: Ready=False with reason AdoptionRefused, and no DPS write. */
  @JsonProperty("Refuse")
  REFUSE
}
