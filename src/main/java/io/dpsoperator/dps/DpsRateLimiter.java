package io.dpsoperator.dps;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A client-side token bucket in operations per minute, shared by every client (and so every
 * reconciler) given the same instance, so that together they stay under the DPS quota (1,000
 * service operations per minute per unit). Each HTTP attempt, retries included, takes one permit.
 *
 * <p>The bucket holds at most {@code burst} permits (default: one second's worth) and refills
 * continuously. A caller that finds it empty reserves the next permit and sleeps until it is due,
 * so waiting callers are served in order. Thread-safe.
 */
public final class DpsRateLimiter {
  private final int operationsPerMinute;
  private final double burst;
  private final double permitsPerNano;
  private final LongSupplier nanoTicker;
  private final Sleeper sleeper;

  private double available;
  private long lastRefillNanos;

  /**
   * A limiter with an explicit burst size, time source and sleeper (tests pass fakes).
   *
   * @param operationsPerMinute the sustained rate
   * @param burst how many permits may be taken at once after an idle period (at least 1)
   * @param nanoTicker a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public DpsRateLimiter(
      int operationsPerMinute, int burst, LongSupplier nanoTicker, Sleeper sleeper) {
    if (operationsPerMinute < 1) {
      throw new IllegalArgumentException(
          "operationsPerMinute must be at least 1, was " + operationsPerMinute);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.operationsPerMinute = operationsPerMinute;
    this.burst = burst;
    this.permitsPerNano = operationsPerMinute / (double) Duration.ofMinutes(1).toNanos();
    this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.available = burst;
    this.lastRefillNanos = nanoTicker.getAsLong();
  }

  /** A limiter of {@code operationsPerMinute} with the default burst, on the system clock. */
  public static DpsRateLimiter perMinute(int operationsPerMinute) {
    return new DpsRateLimiter(
        operationsPerMinute, defaultBurst(operationsPerMinute), System::nanoTime, Sleeper.system());
  }

  /** One second's worth of operations, at least 1. */
  public static int defaultBurst(int operationsPerMinute) {
    return Math.max(1, operationsPerMinute / 60);
  }

  /** The sustained rate. */
  public int operationsPerMinute() {
    return operationsPerMinute;
  }

  /**
   * Takes a permit, waiting at most {@code timeout} for it.
   *
   * @return true if a permit was taken, false if none would be free within the timeout (nothing is
   *     taken then and the call returns at once)
   */
  public boolean tryAcquire(Duration timeout) throws InterruptedException {
    return tryAcquireNanos(timeout.toNanos()) >= 0;
  }

  /**
   * Takes a permit, waiting at most {@code timeoutNanos} for it.
   *
   * @return how long the caller waited in nanoseconds (0 when a permit was free), or -1 if no
   *     permit would be free within the timeout (nothing is taken then and the call returns at
   *     once)
   */
  public long tryAcquireNanos(long timeoutNanos) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = nanoTicker.getAsLong();
      refill(now);
      if (available >= 1) {
        available -= 1;
        return 0;
      }
      wait = (long) Math.ceil((1 - available) / permitsPerNano);
      if (wait > timeoutNanos) {
        return -1;
      }
      // Reserve the permit now so that later callers queue behind this one.
      available -= 1;
    }
    sleeper.sleep(Duration.ofNanos(wait));
    return wait;
  }

  /** Permits free right now (negative while callers wait for reserved permits). */
  public synchronized double availablePermits() {
    refill(nanoTicker.getAsLong());
    return available;
  }

  private void refill(long now) {
    long elapsed = now - lastRefillNanos;
    if (elapsed > 0) {
      available = Math.min(burst, available + elapsed * permitsPerNano);
      lastRefillNanos = now;
    }
  }

  @Override
  public String toString() {
    return "DpsRateLimiter[operationsPerMinute="
        + operationsPerMinute
        + ", burst="
        + (int) burst
        + "]";
  }
}
