package io.dpsoperator.dps;

import java.time.Duration;

/**
 * A call that was not sent because its DPS is known to be failing (or asked callers to wait): a
 * circuit breaker failed it at once instead of letting it wait for a timeout. Retryable; {@link
 * #retryAfter()} says when the breaker lets the next call through. The status is 429 when DPS asked
 * to wait, 0 otherwise.
 */
public final class DpsUnavailableException extends DpsException {

  public DpsUnavailableException(
      String operation, int status, String message, Duration retryAfter) {
    super(operation, status, null, null, message, null, retryAfter);
  }
}
