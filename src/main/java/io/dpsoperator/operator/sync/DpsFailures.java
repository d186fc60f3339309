package io.dpsoperator.operator.sync;

import io.dpsoperator.dps.DpsException;

/** Sorts DPS failures once: terminal ones wait for a change, retryable ones back off. */
public final class DpsFailures {

  private DpsFailures() {}

  /** The condition reason, message and retry class of a failed DPS call. */
  public static SyncFailure classify(DpsException e) {
    String tracking = e.trackingId() == null ? "" : " (trackingId " + e.trackingId() + ")";
    if (e.isUnauthorized()) {
      return SyncFailure.terminal(
          Reasons.DPS_UNAUTHORIZED,
          "DPS refused the credentials (HTTP "
              + e.status()
              + "): check the connection string Secret and that its policy has the EnrollmentRead and EnrollmentWrite rights"
              + tracking);
    }
    if (e.isThrottled()) {
      return SyncFailure.retryable(
          Reasons.THROTTLED,
          "DPS throttled the operator (HTTP 429); retrying with backoff" + tracking);
    }
    if (e.isRetryable()) {
      return SyncFailure.retryable(
          Reasons.DPS_UNAVAILABLE,
          (e.status() == 0 ? "DPS is unreachable" : "DPS answered HTTP " + e.status())
              + "; retrying with backoff"
              + tracking);
    }
    if (e.isPreconditionFailed() || e.isNotFound()) {
      return SyncFailure.retryable(
          Reasons.DPS_UNAVAILABLE,
          "The DPS record kept changing while the operator wrote it (HTTP "
              + e.status()
              + "); retrying"
              + tracking);
    }
    if (e.status() == 400) {
      return SyncFailure.terminal(
          Reasons.INVALID_SPEC, "DPS rejected the record: " + e.getMessage() + tracking);
    }
    return SyncFailure.terminal(
        Reasons.DPS_REJECTED, "DPS answered HTTP " + e.status() + ": " + e.getMessage() + tracking);
  }
}
