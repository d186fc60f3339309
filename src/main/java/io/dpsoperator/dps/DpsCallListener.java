package io.dpsoperator.dps;

import java.time.Duration;

/**
 * Hears what happens inside a client call: each HTTP attempt, each retry and each throttle. {@link
 * OkHttpDpsClient} calls it on the caller's thread; {@link InstrumentedDpsClient} turns the events
 * into metrics. Implementations must be fast and must not throw.
 */
public interface DpsCallListener {

  /** A listener that ignores everything. */
  DpsCallListener NONE = new DpsCallListener() {};

  /** Who held a call back. */
  enum ThrottleSource {
    /** DPS answered 429. */
    SERVER,
    /** The client-side rate limiter made the call wait or refused it. */
    CLIENT
  }

  /**
   * An HTTP attempt ended.
   *
   * @param attempt 1 for the first attempt
   * @param status the HTTP status, or 0 when no answer arrived
   * @param trackingId the DPS tracking id, if known
   */
  default void onAttempt(String operation, int attempt, int status, String trackingId) {}

  /**
   * A failed attempt will be retried after {@code delay}.
   *
   * @param nextAttempt the number of the coming attempt (2 for the first retry)
   * @param status the status of the failed attempt, 0 when no answer arrived
   */
  default void onRetry(String operation, int nextAttempt, int status, Duration delay) {}

  /**
   * A call was throttled.
   *
   * @param waited how long the client-side limiter made the call wait (zero for the server)
   */
  default void onThrottled(String operation, ThrottleSource source, Duration waited) {}
}
