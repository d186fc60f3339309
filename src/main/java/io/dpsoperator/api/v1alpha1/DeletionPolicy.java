package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens in DPS when the resource is deleted. */
public enum DeletionPolicy {
  /** The record is deleted from DPS. */
  @JsonProperty("Delete")
  DELETE,
  /** DPS is left untouched. */
  @JsonProperty("Orphan")
  ORPHAN;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return DeletionPolicy.class.getField(name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
