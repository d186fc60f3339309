package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code Ready} condition in the Kubernetes shape. */
public final class Conditions {
  public static final String READY = "Ready";

  private Conditions() {}

  /**
   * Sets {@code Ready}; {@code lastTransitionTime} moves only when the status value flips.
   *
   * @return whether anything changed
   */
  public static boolean setReady(
      DpsRecordStatus status,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    List<Condition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    String value = ready ? "True" : "False";
    Optional<Condition> existing =
        conditions.stream().filter(c -> READY.equals(c.getType())).findFirst();
    String transition =
        existing
            .filter(c -> value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    Condition next =
        new ConditionBuilder()
            .withType(READY)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    if (existing.isPresent() && existing.get().equals(next)) {
      return false;
    }
    existing.ifPresent(conditions::remove);
    conditions.add(next);
    status.setConditions(conditions);
    return true;
  }

  /** The Ready condition, if set. */
  public static Optional<Condition> ready(DpsRecordStatus status) {
    return status == null || status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
  }
}
