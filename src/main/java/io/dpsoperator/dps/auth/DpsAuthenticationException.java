package io.dpsoperator.dps.auth;

import java.util.Objects;

/**
 * A credential could not make an {@code Authorization} header. Its message says what to fix and
 * never holds a key, token or assertion.
 */
public class DpsAuthenticationException extends RuntimeException {
  private final AuthFailure failure;
  private final boolean retryable;

  /**
   * @param failure what failed
   * @param retryable whether trying again later may help without a change (the token endpoint was
   *     unreachable or answered 429/5xx)
   * @param message what failed and what to fix; no secret
   */
  public DpsAuthenticationException(AuthFailure failure, boolean retryable, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.retryable = retryable;
  }

  /** What failed. */
  public AuthFailure failure() {
    return failure;
  }

  /** Whether trying again later may help without a change. */
  public boolean isRetryable() {
    return retryable;
  }
}
