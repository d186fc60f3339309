package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.AdoptionPolicy;
import io.dpsoperator.api.v1alpha1.DeletionPolicy;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.ReconcilePolicy;
import io.dpsoperator.operator.engine.RecordEngine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one resource lets the operator do, from its spec ({@code reconcilePolicy}, {@code
 * adoptionPolicy}, {@code deletionPolicy}) and annotations ({@code dpsoperator.io/paused}, {@code
 * dpsoperator.io/force-sync}), and what the operator may delete when it goes. Pure: no I/O.
 *
 * @param policy Manage or Observe
 * @param adoption what to do with a record that exists before the resource applied one
 * @param deletion what deleting the resource does in DPS
 * @param paused whether the resource carries the pause annotation
 * @param forceSync the force-sync annotation's value, if set
 * @param created the resource's creation time (to the second), if known
 */
public record ResourceControls(
    ReconcilePolicy policy,
    AdoptionPolicy adoption,
    DeletionPolicy deletion,
    boolean paused,
    Optional<String> forceSync,
    Optional<Instant> created) {

  /** Stops every DPS write for the resource while set to anything but "false". */
  public static final String PAUSED_ANNOTATION = "dpsoperator.io/paused";

  /** A new value triggers a full read of the record, its keys and registration state. */
  public static final String FORCE_SYNC_ANNOTATION = "dpsoperator.io/force-sync";

  /** The status' ownership of a record the operator created. */
  public static final String CREATED = "Created";

  /** The status' ownership of a record the operator took over. */
  public static final String ADOPTED = "Adopted";

  /** The controls of a resource; absent fields take their defaults. */
  public static ResourceControls of(HasMetadata resource, DpsRecordSpec spec) {
    Map<String, String> annotations =
        Optional.ofNullable(resource.getMetadata().getAnnotations()).orElse(Map.of());
    String paused = annotations.get(PAUSED_ANNOTATION);
    return new ResourceControls(
        spec == null || spec.getReconcilePolicy() == null
            ? ReconcilePolicy.MANAGE
            : spec.getReconcilePolicy(),
        spec == null || spec.getAdoptionPolicy() == null
            ? AdoptionPolicy.ADOPT
            : spec.getAdoptionPolicy(),
        spec == null || spec.getDeletionPolicy() == null
            ? DeletionPolicy.DELETE
            : spec.getDeletionPolicy(),
        paused != null && !paused.trim().toLowerCase(Locale.ROOT).equals("false"),
        Optional.ofNullable(annotations.get(FORCE_SYNC_ANNOTATION)),
        instant(resource.getMetadata().getCreationTimestamp()));
  }

  private static Optional<Instant> instant(String timestamp) {
    try {
      return Optional.ofNullable(timestamp).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Whether the reconcile policy is Observe. */
  public boolean observe() {
    return policy == ReconcilePolicy.OBSERVE;
  }

  /** Whether the operator may write to DPS (and the Secret of generated keys) now. */
  public boolean writes() {
    return !observe() && !paused;
  }

  /** Whether the force-sync annotation carries a value the operator has not acted on yet. */
  public boolean forceSyncDue(DpsRecordStatus status) {
    return forceSync.isPresent()
        && !Objects.equals(forceSync.get(), status == null ? null : status.getLastForceSync());
  }

  /** What the engine may do in this sync. */
  public RecordEngine.Controls engine(DpsRecordStatus status) {
    return new RecordEngine.Controls(
        writes(), adoption != AdoptionPolicy.REFUSE, forceSyncDue(status), created.orElse(null));
  }

  /**
   * Whether the operator has taken the record: created or adopted it. A status written before
   * {@code ownership} existed, with an applied hash, counts as created: that release created or
   * adopted records without telling them apart, and deleted both.
   */
  public static boolean owned(DpsRecordStatus status) {
    return status != null && (status.getOwnership() != null || status.getAppliedHash() != null);
  }

  /** The ownership a status records, with the same reading of an older status as {@link #owned}. */
  public static Optional<String> ownership(DpsRecordStatus status) {
    if (status == null) {
      return Optional.empty();
    }
    if (status.getOwnership() != null) {
      return Optional.of(status.getOwnership());
    }
    return status.getAppliedHash() != null ? Optional.of(CREATED) : Optional.empty();
  }

  /** What deleting the resource does in DPS. */
  public enum Deletion {
    /** Delete the record. */
    DELETE,
    /** Leave the record in place and let the resource go. */
    ORPHAN,
    /** Leave the record in place and say nothing: the operator never took it. */
    NOTHING,
    /** Keep the finalizer until the resource is resumed or its deletion policy is Orphan. */
    WAIT
  }

  /** The decision at deletion, and why, for the Event. */
  public record DeletionDecision(Deletion action, String why) {}

  /** What deleting the resource does, given what its status says the operator did. */
  public DeletionDecision onDelete(DpsRecordStatus status) {
    if (observe()) {
      return new DeletionDecision(
          status != null && status.getEtag() != null ? Deletion.ORPHAN : Deletion.NOTHING,
          "reconcilePolicy Observe");
    }
    if (!owned(status)) {
      return new DeletionDecision(Deletion.NOTHING, "");
    }
    if (deletion == DeletionPolicy.ORPHAN) {
      return new DeletionDecision(Deletion.ORPHAN, "deletionPolicy Orphan");
    }
    if (ownership(status).orElse(CREATED).equals(ADOPTED)
        && adoption != AdoptionPolicy.ADOPT_AND_OWN) {
      return new DeletionDecision(
          Deletion.ORPHAN,
          "adopted, not created by the operator; set spec.adoptionPolicy to AdoptAndOwn before"
              + " deleting to have deletionPolicy Delete apply");
    }
    if (paused) {
      return new DeletionDecision(
          Deletion.WAIT,
          "the resource is paused (annotation "
              + PAUSED_ANNOTATION
              + "). Remove the annotation to delete it, or set spec.deletionPolicy to Orphan");
    }
    return new DeletionDecision(Deletion.DELETE, "");
  }
}
