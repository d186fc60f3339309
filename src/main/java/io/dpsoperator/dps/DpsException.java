package io.dpsoperator.dps;

import io.dpsoperator.dps.auth.AuthFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * A failed DPS call: the HTTP status (0 when no answer arrived), the DPS {@code errorCode}, the
 * {@code trackingId} and whether retrying may help. Its message never contains key material.
 */
public class DpsException extends RuntimeException {
  private final String operation;
  private final int status;
  private final Integer errorCode;
  private final String trackingId;
  private final Duration retryAfter;

  public DpsException(
      String operation,
      int status,
      Integer errorCode,
      String trackingId,
      String message,
      Throwable cause) {
    this(operation, status, errorCode, trackingId, message, cause, null);
  }

  /**
   * A failure with the wait DPS asked for ({@code Retry-After}), or null when it asked for none.
   */
  public DpsException(
      String operation,
      int status,
      Integer errorCode,
      String trackingId,
      String message,
      Throwable cause,
      Duration retryAfter) {
    super(message, cause);
    this.operation = operation;
    this.status = status;
    this.errorCode = errorCode;
    this.trackingId = trackingId;
    this.retryAfter = retryAfter;
  }

  /** The operation that failed, e.g. {@code getIndividualEnrollment}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status, or 0 for a network failure or timeout. */
  public int status() {
    return status;
  }

  /** The six-digit DPS error code, if DPS sent one. */
  public Integer errorCode() {
    return errorCode;
  }

  /** The DPS tracking id, if DPS sent one. */
  public String trackingId() {
    return trackingId;
  }

  /** How long DPS asked callers to wait ({@code Retry-After}), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Network failure, timeout, 429 or 5xx. */
  public boolean isRetryable() {
    return status == 0 || status == 429 || status >= 500;
  }

  public boolean isNotFound() {
    return status == 404;
  }

  public boolean isPreconditionFailed() {
    return status == 412;
  }

  public boolean isConflict() {
    return status == 409;
  }

  public boolean isThrottled() {
    return status == 429;
  }

  /**
   * The authentication failure, if this is one: {@link AuthFailure#UNAUTHORIZED} for HTTP 401,
   * {@link AuthFailure#FORBIDDEN} for 403, and the credential's own failure when no header could be
   * made ({@link DpsCredentialException}).
   */
  public Optional<AuthFailure> authFailure() {
    if (status == 401) {
      return Optional.of(AuthFailure.UNAUTHORIZED);
    }
    if (status == 403) {
      return Optional.of(AuthFailure.FORBIDDEN);
    }
    return Optional.empty();
  }

  /** 401 or 403: the credentials are wrong or lack a right. */
  public boolean isUnauthorized() {
    return status == 401 || status == 403;
  }
}
