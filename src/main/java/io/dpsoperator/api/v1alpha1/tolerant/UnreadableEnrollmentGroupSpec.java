package io.dpsoperator.api.v1alpha1.tolerant;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupSpec;
import java.util.Optional;

/**
 * An enrollment-group spec the operator could not read. Its fields hold what could be read;
 * serialized, it writes the raw spec back unchanged (the CRD generator never sees this class).
 */
@JsonSerialize(using = RawSpecSerializer.class)
public final class UnreadableEnrollmentGroupSpec extends EnrollmentGroupSpec
    implements UnreadableSpecHolder {
  private UnreadableSpec unreadable;

  @Override
  public void hold(UnreadableSpec unreadable) {
    this.unreadable = unreadable;
  }

  @Override
  public Optional<UnreadableSpec> unreadable() {
    return Optional.ofNullable(unreadable);
  }
}
