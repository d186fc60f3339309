package io.dpsoperator.operator.sync;

import io.dpsoperator.dps.DpsException;
import java.util.regex.Pattern;

/**
 * Sorts DPS failures once: terminal ones wait for a change, retryable ones back off. Messages are
 * stable (no tracking ids or attempt counts, which would rewrite the status and raise a new Event
 * on every retry) and carry no URL query, where webhook function keys live; tracking ids are in the
 * client's DEBUG log.
 */
public final class DpsFailures {
  private static final Pattern TRACKING = Pattern.compile(",?\\s*trackingId=[^,:\\s]*");
  private static final Pattern ATTEMPT = Pattern.compile(",?\\s*attempt \\d+ of \\d+");
  private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?\"']+)\\?[^\\s\"']*");

  private DpsFailures() {}

  /** The condition reason, message and retry class of a failed DPS call. */
  public static SyncFailure classify(DpsException e) {
    if (e instanceof io.dpsoperator.dps.DpsCredentialException c) {
      // The credential could not make a header (token file, token endpoint): its own reason.
      String reason = c.authFailure().orElseThrow().reason();
      return c.isRetryable()
          ? SyncFailure.retryable(reason, stable(c.getMessage()))
          : SyncFailure.terminal(reason, stable(c.getMessage()));
    }
    if (e.status() == 403) {
      // Only an Entra ID identity gets 403 from DPS (a SAS policy that lacks a right gets 401):
      // it may read but not write, e.g. with the Data Reader role.
      return SyncFailure.terminal(
          io.dpsoperator.dps.auth.AuthFailure.FORBIDDEN.reason(),
          "DPS accepted the identity but refused the call (HTTP 403): give the identity the role"
              + " Device Provisioning Service Data Contributor on the DPS (Data Reader may only"
              + " read); nothing was written");
    }
    if (e.isUnauthorized()) {
      return SyncFailure.terminal(
          Reasons.DPS_UNAUTHORIZED,
          "DPS refused the credentials (HTTP "
              + e.status()
              + "): check the connection string Secret and that its policy has the"
              + " EnrollmentRead, EnrollmentWrite and RegistrationStatusRead rights");
    }
    if (e instanceof io.dpsoperator.dps.DpsRateLimitedException) {
      return SyncFailure.retryable(
          Reasons.THROTTLED,
          "The operator's own rate limit for this DPS (DPS_OPERATOR_RATE_LIMIT_PER_MINUTE) is"
              + " spent; retrying with backoff");
    }
    if (e.isThrottled()) {
      return SyncFailure.retryable(
          Reasons.THROTTLED, "DPS throttled the operator (HTTP 429); retrying with backoff");
    }
    if (e.isRetryable()) {
      return SyncFailure.retryable(
          Reasons.DPS_UNAVAILABLE,
          (e.status() == 0 ? "DPS is unreachable" : "DPS answered HTTP " + e.status())
              + "; retrying with backoff");
    }
    if (e.isPreconditionFailed() || e.isNotFound()) {
      return SyncFailure.retryable(
          Reasons.DPS_UNAVAILABLE,
          "The DPS record kept changing while the operator wrote it (HTTP "
              + e.status()
              + "); retrying");
    }
    if (e.status() == 400) {
      return SyncFailure.terminal(
          Reasons.INVALID_SPEC, "DPS rejected the record: " + stable(e.getMessage()));
    }
    return SyncFailure.terminal(
        Reasons.DPS_REJECTED, "DPS answered HTTP " + e.status() + ": " + stable(e.getMessage()));
  }

  /** The message without what changes from call to call, and without URL queries. */
  static String stable(String message) {
    if (message == null) {
      return "";
    }
    String m = TRACKING.matcher(message).replaceAll("");
    m = ATTEMPT.matcher(m).replaceAll("");
    return URL_QUERY.matcher(m).replaceAll("$1?***");
  }
}
