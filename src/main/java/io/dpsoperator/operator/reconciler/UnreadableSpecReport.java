package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.tolerant.UnreadableSpec;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Reasons;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a resource whose spec the operator could not read (see {@link
 * DpsRecordSpec#unreadable()}): {@code Ready=False} with reason {@code InvalidSpec} and a message
 * naming each field and its value, a Warning Event, and no DPS call. Nothing is retried: the
 * resource is reconciled again when it changes.
 *
 * <p>The Event is recorded before the status is written, because the status write can fail where
 * the spec is invalid for the schema the API server holds (before ratcheting validation, an API
 * server validates the whole object on a status update); the user then still learns why.
 *
 * <p>Deletion of such a resource leaves the DPS record in place (and says so in a Warning Event):
 * its deletion policy and its DPS connection are part of what could not be read, and a record is
 * never deleted on a guess.
 */
final class UnreadableSpecReport {
  private static final Logger LOG = LoggerFactory.getLogger(UnreadableSpecReport.class);

  private final EventRecorder events;
  private final Clock clock;

  UnreadableSpecReport(EventRecorder events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  /** What could not be read in the resource's spec, if anything. */
  static Optional<UnreadableSpec> of(CustomResource<? extends DpsRecordSpec, ?> resource) {
    return resource.getSpec() == null ? Optional.empty() : resource.getSpec().unreadable();
  }

  /** The condition and Event message. */
  static String message(UnreadableSpec unreadable) {
    return "The operator cannot read the spec: "
        + unreadable.describe()
        + ". Correct the spec (if the value is valid for a newer dps-operator, upgrade the"
        + " operator); DPS is left alone until then";
  }

  /**
   * Reports the resource; returns the control that ends its reconciliation.
   *
   * @param status a copy of the resource's status, to be changed and written
   */
  <P extends CustomResource<? extends DpsRecordSpec, S>, S extends DpsRecordStatus>
      UpdateControl<P> report(P resource, S status, UnreadableSpec unreadable, Context<P> context) {
    Long generation = resource.getMetadata().getGeneration();
    Instant now = clock.instant();
    String message = message(unreadable);
    boolean changed =
        Conditions.setReady(status, false, Reasons.INVALID_SPEC, message, generation, now)
            | !Objects.equals(status.getObservedGeneration(), generation);
    if (!changed) {
      return UpdateControl.noUpdate();
    }
    status.setObservedGeneration(generation);
    LOG.atInfo().addKeyValue("problems", unreadable.describe()).log("Spec could not be read");
    events.warning(resource, Reasons.INVALID_SPEC, message);
    try {
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
          resource,
          context,
          r -> {
            r.setStatus(status);
            return r;
          });
    } catch (KubernetesClientException | OperatorException e) {
      // The Event above already tells the user; retrying would fail the same way.
      LOG.warn("Could not write the status of a resource whose spec cannot be read", e);
    }
    return UpdateControl.noUpdate();
  }

  /** Records that deletion left the DPS record (if the resource had one) in place. */
  void orphaned(
      CustomResource<? extends DpsRecordSpec, ? extends DpsRecordStatus> resource,
      String kindLabel) {
    boolean managed = Claims.manages(resource.getStatus());
    if (!managed) {
      return;
    }
    String message =
        "Left the DPS "
            + kindLabel
            + " in place: the spec cannot be read ("
            + of(resource).map(UnreadableSpec::describe).orElse("")
            + "), so its deletionPolicy and DPS connection are unknown. Delete the "
            + kindLabel
            + " in DPS if it is no longer wanted";
    LOG.info("{}", message);
    events.warning(resource, Reasons.ORPHANED, message);
  }
}
