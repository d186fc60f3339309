package io.dpsoperator.operator.sync;

/**
 * A reason the desired DPS record cannot be synced, with a CamelCase reason and a message a user
 * can act on. Terminal failures wait for a change of spec or Secret; retryable ones back off.
 * Messages never carry secret material.
 */
public class SyncFailure extends Exception {
  private final String reason;
  private final boolean retryable;

  public SyncFailure(String reason, String message, boolean retryable) {
    super(message);
    this.reason = reason;
    this.retryable = retryable;
  }

  /** A failure that waits for a change of spec or Secret. */
  public static SyncFailure terminal(String reason, String message) {
    return new SyncFailure(reason, message, false);
  }

  /** A failure that is retried with backoff. */
  public static SyncFailure retryable(String reason, String message) {
    return new SyncFailure(reason, message, true);
  }

  /** The condition reason, CamelCase. */
  public String reason() {
    return reason;
  }

  public boolean isRetryable() {
    return retryable;
  }
}
