package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What happens to the device registration records of a group's devices when the group is deleted
 * from DPS.
 */
public enum RegistrationsDeletionPolicy {
  /** The registration records stay in DPS, as DPS itself does. */
  @JsonProperty("Keep")
  KEEP,
  /** The registration records of the group's devices are deleted too. */
  @JsonProperty("Delete")
  DELETE;

  /** The value as written in YAML and JSON. */
  public String wire() {
    try {
      return RegistrationsDeletionPolicy.class
          .getField(name())
          .getAnnotation(JsonProperty.class)
          .value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
