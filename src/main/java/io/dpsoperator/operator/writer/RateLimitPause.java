package io.dpsoperator.operator.writer;

import java.util.concurrent.TimeUnit;

/**
 * The pause of a background thread (a bulk sender, an inventory sweep) whose call the client's own
 * rate limiter did not let out: nothing was sent, so it waits a little and asks again, rather than
 * failing a write or a sweep because other calls took the quota first.
 */
public final class RateLimitPause {
  private static final long PAUSE_MILLIS = 100;

  private RateLimitPause() {}

  /** Waits a moment; false when the thread was interrupted (shutting down). */
  public static boolean pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
