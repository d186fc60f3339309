package io.dpsoperator.dps;

import java.time.Duration;

/** Waits for a while; the client's only way to sleep, so tests can replace real waiting. */
@FunctionalInterface
public interface Sleeper {

  /** Blocks the calling thread for {@code duration} (returns at once for zero or negative). */
  void sleep(Duration duration) throws InterruptedException;

  /** The real thing: {@link Thread#sleep(long, int)}. */
  static Sleeper system() {
    return duration -> {
      if (duration.isNegative() || duration.isZero()) {
        return;
      }
      long nanos = duration.toNanos();
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    };
  }
}
