package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The conditions of a status in the Kubernetes shape: {@code Ready}, {@code CertificatesValid}. */
public final class Conditions {
  public static final String READY = "Ready";

  /** X.509 resources only: whether every certificate in use is within its validity period. */
  public static final String CERTIFICATES_VALID = "CertificatesValid";

  /**
   * Under Observe or pause: whether DPS holds the desired record ({@code Drifted} names the
   * differing fields).
   */
  public static final String IN_SYNC = "InSync";

  /** Set while the resource carries the {@code dpsoperator.io/paused} annotation. */
  public static final String PAUSED = "Paused";

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
    return set(status, READY, ready, reason, message, generation, now);
  }

  /**
   * Sets a condition; {@code lastTransitionTime} moves only when the status value flips.
   *
   * @return whether anything changed
   */
  public static boolean set(
      DpsRecordStatus status,
      String type,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    Optional<List<Condition>> next =
        next(status.getConditions(), type, ready, reason, message, generation, now);
    next.ifPresent(status::setConditions);
    return next.isPresent();
  }

  /**
   * Sets {@code Ready} of a DPS connection; {@code lastTransitionTime} moves only when the status
   * value flips.
   *
   * @return whether anything changed
   */
  public static boolean setReady(
      io.dpsoperator.api.v1alpha1.DpsConnectionStatus status,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    Optional<List<Condition>> next =
        next(status.getConditions(), READY, ready, reason, message, generation, now);
    next.ifPresent(status::setConditions);
    return next.isPresent();
  }

  /** The Ready condition of a DPS connection, if set. */
  public static Optional<Condition> ready(io.dpsoperator.api.v1alpha1.DpsConnectionStatus status) {
    return status == null || status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
  }

  /** The conditions with one set, or empty when it is already so. */
  private static Optional<List<Condition>> next(
      List<Condition> current,
      String type,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    List<Condition> conditions = current == null ? new ArrayList<>() : new ArrayList<>(current);
    String value = ready ? "True" : "False";
    Optional<Condition> existing =
        conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    String transition =
        existing
            .filter(c -> value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    Condition next =
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build();
    if (existing.isPresent() && existing.get().equals(next)) {
      return Optional.empty();
    }
    existing.ifPresent(conditions::remove);
    conditions.add(next);
    return Optional.of(conditions);
  }

  /** Removes a condition; returns whether it was there. */
  public static boolean remove(DpsRecordStatus status, String type) {
    if (status.getConditions() == null
        || status.getConditions().stream().noneMatch(c -> type.equals(c.getType()))) {
      return false;
    }
    status.setConditions(
        new ArrayList<>(
            status.getConditions().stream().filter(c -> !type.equals(c.getType())).toList()));
    return true;
  }

  /** A condition, if set. */
  public static Optional<Condition> get(DpsRecordStatus status, String type) {
    return status == null || status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The Ready condition, if set. */
  public static Optional<Condition> ready(DpsRecordStatus status) {
    return status == null || status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
  }
}
