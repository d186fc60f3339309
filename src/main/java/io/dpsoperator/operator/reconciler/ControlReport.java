package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.engine.RecordEngine;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Reasons;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status of a resource's controls: the {@code Paused} condition, and under Observe or pause the
 * {@code InSync} condition and {@code Ready} from what DPS holds, with an Event for each change.
 */
final class ControlReport {
  private static final Logger LOG = LoggerFactory.getLogger(ControlReport.class);

  private final EventRecorder events;
  private final String kindLabel;

  ControlReport(EventRecorder events, String kindLabel) {
    this.events = events;
    this.kindLabel = kindLabel;
  }

  /** Sets or removes {@code Paused}; Events {@code Paused} and {@code Resumed} on a change. */
  void paused(
      HasMetadata resource,
      DpsRecordStatus status,
      ResourceControls controls,
      Long generation,
      Instant now) {
    if (controls.paused()) {
      String message =
          "Paused by the annotation "
              + ResourceControls.PAUSED_ANNOTATION
              + ": no DPS write until it is removed; differences are reported in InSync";
      boolean was = Conditions.get(status, Conditions.PAUSED).isPresent();
      Conditions.set(status, Conditions.PAUSED, true, Reasons.PAUSED, message, generation, now);
      if (!was) {
        LOG.atInfo().addKeyValue("kind", kindLabel).log("Paused");
        events.normal(resource, Reasons.PAUSED, message);
      }
    } else if (Conditions.remove(status, Conditions.PAUSED)) {
      LOG.atInfo().addKeyValue("kind", kindLabel).log("Resumed");
      events.normal(
          resource,
          Reasons.RESUMED,
          "Resumed: the annotation " + ResourceControls.PAUSED_ANNOTATION + " was removed");
    }
  }

  /** Under Manage without pause, {@code Ready} tells it all: {@code InSync} goes. */
  void managed(DpsRecordStatus status) {
    Conditions.remove(status, Conditions.IN_SYNC);
  }

  /**
   * Under Observe or pause: {@code InSync} from the differences, and {@code Ready}: under Observe
   * True while DPS holds the record; under pause True only while DPS holds the desired record.
   *
   * @return whether DPS holds the desired record
   */
  boolean observed(
      HasMetadata resource,
      DpsRecordStatus status,
      ResourceControls controls,
      RecordEngine.Outcome<?> outcome,
      String id,
      Long generation,
      Instant now) {
    String why =
        controls.observe()
            ? "the operator only observes it (reconcilePolicy Observe)"
            : "the resource is paused (annotation " + ResourceControls.PAUSED_ANNOTATION + ")";
    if (outcome.missing()) {
      String message =
          "DPS holds no "
              + kindLabel
              + " "
              + id
              + " and "
              + why
              + ", so it is not created. "
              + (controls.observe()
                  ? "Create it in DPS, or set spec.reconcilePolicy to Manage"
                  : "Remove the annotation to create it");
      Conditions.set(
          status, Conditions.IN_SYNC, false, Reasons.NOT_FOUND_IN_DPS, message, generation, now);
      report(resource, status, false, Reasons.NOT_FOUND_IN_DPS, message, generation, now);
      return false;
    }
    List<String> drift = outcome.drift();
    boolean inSync = drift.isEmpty();
    String syncMessage =
        inSync
            ? "DPS holds the desired " + kindLabel
            : "DPS differs from the spec in: " + String.join(", ", drift) + "; " + why;
    boolean changed =
        Conditions.set(
            status,
            Conditions.IN_SYNC,
            inSync,
            inSync ? Reasons.IN_SYNC : Reasons.DRIFTED,
            syncMessage,
            generation,
            now);
    if (changed && !inSync) {
      LOG.atInfo()
          .addKeyValue("kind", kindLabel)
          .addKeyValue("id", id)
          .addKeyValue("fields", drift)
          .log("Drift reported");
      events.warning(resource, Reasons.DRIFTED, syncMessage);
    }
    if (controls.observe()) {
      Conditions.setReady(
          status,
          true,
          Reasons.OBSERVED,
          "DPS holds " + kindLabel + " " + id + "; " + why + " and never writes to it",
          generation,
          now);
    } else if (inSync) {
      Conditions.setReady(
          status, true, Reasons.SYNCED, "DPS holds the desired " + kindLabel, generation, now);
    } else {
      report(
          resource,
          status,
          false,
          Reasons.PAUSED,
          syncMessage + ". Remove the annotation to apply the spec",
          generation,
          now);
    }
    return inSync;
  }

  private void report(
      HasMetadata resource,
      DpsRecordStatus status,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    if (Conditions.setReady(status, ready, reason, message, generation, now) && !ready) {
      events.warning(resource, reason, message);
    }
  }
}
