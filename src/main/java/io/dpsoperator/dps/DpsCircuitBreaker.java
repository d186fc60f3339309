package io.dpsoperator.dps;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fail-fast for one DPS instance, so that an outage does not hold the caller's threads: after
 * {@code failureThreshold} failures in a row (no answer, timeout, 5xx) the circuit opens and every
 * call fails at once with a retryable {@link DpsUnavailableException} for {@code openInterval};
 * then one probe call is let through (half-open) and its outcome closes or reopens the circuit. A
 * 429 opens it at once for the {@code Retry-After} DPS sent.
 *
 * <p>It also caps the calls in flight to the DPS at {@code maxConcurrentCalls}: a call that finds
 * no free slot within {@code maxWait} fails and counts as a failure, because slots stay taken only
 * while the DPS is slow to answer. So a DPS that stops answering holds at most that many threads,
 * for at most one request timeout, before the circuit opens. Thread-safe; share one per DPS host.
 */
public final class DpsCircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(DpsCircuitBreaker.class);

  /** The longest {@code Retry-After} the circuit honours. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /** Where the circuit is. */
  public enum State {
    /** Calls go through. */
    CLOSED,
    /** Calls fail at once until the open interval ends. */
    OPEN,
    /** One probe call may go through; the others fail at once. */
    HALF_OPEN
  }

  /**
   * The breaker's limits.
   *
   * @param failureThreshold failures in a row that open the circuit (at least 1)
   * @param openInterval how long the circuit stays open before a probe
   * @param maxConcurrentCalls calls in flight to the DPS at once (at least 1)
   * @param maxWait how long a call may wait for a free slot before it fails
   */
  public record Settings(
      int failureThreshold, Duration openInterval, int maxConcurrentCalls, Duration maxWait) {
    public Settings {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException("failureThreshold must be at least 1");
      }
      if (maxConcurrentCalls < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be at least 1");
      }
      Objects.requireNonNull(openInterval, "openInterval");
      Objects.requireNonNull(maxWait, "maxWait");
      if (openInterval.isNegative() || openInterval.isZero() || maxWait.isNegative()) {
        throw new IllegalArgumentException("openInterval must be positive, maxWait not negative");
      }
    }
  }

  private enum Outcome {
    /** DPS answered (2xx or a 4xx other than 429): it is up. */
    ANSWERED,
    /** No answer, timeout, 5xx or 429. */
    FAILED,
    /** Says nothing about the DPS (interrupted, refused by the client's own rate limiter). */
    NEUTRAL
  }

  private final String hostName;
  private final Settings settings;
  private final LongSupplier nanoTicker;
  private final Semaphore slots;

  private State state = State.CLOSED;
  private int failuresInARow;
  private long openUntilNanos;
  private int openStatus;
  private boolean probeInFlight;

  /**
   * @param hostName the DPS host, for messages and logs
   * @param nanoTicker a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public DpsCircuitBreaker(String hostName, Settings settings, LongSupplier nanoTicker) {
    this.hostName = Objects.requireNonNull(hostName, "hostName");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    this.slots = new Semaphore(settings.maxConcurrentCalls(), true);
  }

  /** The state now (an open circuit whose interval has ended reports {@code HALF_OPEN}). */
  public synchronized State state() {
    if (state == State.OPEN && nanoTicker.getAsLong() - openUntilNanos >= 0) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** The DPS host this breaker guards. */
  public String hostName() {
    return hostName;
  }

  /**
   * Runs {@code call} if the circuit lets it through, and learns from its outcome.
   *
   * @throws DpsUnavailableException at once if the circuit is open, or if no slot was free within
   *     {@code maxWait}
   */
  public <T> T call(String operation, Supplier<T> call) {
    boolean probe = admit(operation);
    boolean slot;
    try {
      slot =
          probe
              ? slots.tryAcquire()
              : slots.tryAcquire(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      record(probe, Outcome.NEUTRAL, null);
      throw new DpsException(
          operation, 0, null, null, "DPS " + operation + " interrupted before it was sent", e);
    }
    if (!slot) {
      record(probe, Outcome.FAILED, null);
      throw new DpsUnavailableException(
          operation,
          0,
          "DPS "
              + operation
              + " not sent: "
              + settings.maxConcurrentCalls()
              + " calls to "
              + hostName
              + " are still waiting for an answer after "
              + settings.maxWait().toMillis()
              + "ms",
          settings.maxWait());
    }
    try {
      T result = call.get();
      record(probe, Outcome.ANSWERED, null);
      return result;
    } catch (DpsException e) {
      record(probe, outcome(e), e);
      throw e;
    } catch (RuntimeException | Error e) {
      record(probe, Outcome.NEUTRAL, null);
      throw e;
    } finally {
      slots.release();
    }
  }

  /** Runs a call that returns nothing; see {@link #call(String, Supplier)}. */
  public void run(String operation, Runnable call) {
    call(
        operation,
        () -> {
          call.run();
          return null;
        });
  }

  /** Whether the call may go, and whether it is the probe; throws if the circuit is open. */
  private synchronized boolean admit(String operation) {
    long now = nanoTicker.getAsLong();
    if (state == State.CLOSED) {
      return false;
    }
    if (state == State.OPEN && now - openUntilNanos < 0) {
      throw open(operation, Duration.ofNanos(openUntilNanos - now));
    }
    if (probeInFlight) {
      throw open(operation, settings.openInterval());
    }
    if (state == State.OPEN) {
      LOG.atDebug()
          .addKeyValue("host", hostName)
          .addKeyValue("operation", operation)
          .log("Probing DPS");
    }
    state = State.HALF_OPEN;
    probeInFlight = true;
    return true;
  }

  private DpsUnavailableException open(String operation, Duration remaining) {
    String why =
        openStatus == 429
            ? hostName + " asked the operator to wait (HTTP 429 Retry-After)"
            : hostName + " is not answering (" + failuresInARow + " failures in a row)";
    return new DpsUnavailableException(
        operation,
        openStatus,
        "DPS "
            + operation
            + " not sent: "
            + why
            + "; calls fail fast for "
            + remaining.toMillis()
            + "ms",
        remaining);
  }

  private synchronized void record(boolean probe, Outcome outcome, DpsException failure) {
    if (probe) {
      probeInFlight = false;
    }
    switch (outcome) {
      case ANSWERED -> {
        failuresInARow = 0;
        if (probe && state == State.HALF_OPEN) {
          state = State.CLOSED;
          LOG.atInfo()
              .addKeyValue("host", hostName)
              .log("Closed the circuit to DPS: it answers again");
        }
      }
      case FAILED -> {
        failuresInARow++;
        Duration retryAfter =
            failure != null && failure.isThrottled() ? failure.retryAfter().orElse(null) : null;
        if (failure != null && failure.isThrottled()) {
          Duration wait = retryAfter == null ? settings.openInterval() : retryAfter;
          openFor(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait, 429);
        } else if (state == State.HALF_OPEN
            || state == State.CLOSED && failuresInARow >= settings.failureThreshold()) {
          openFor(settings.openInterval(), 0);
        }
        // While open, late failures of calls sent before it opened change nothing.
      }
      case NEUTRAL -> {
        // Nothing learnt; a half-open circuit lets the next caller probe.
      }
    }
  }

  private void openFor(Duration interval, int status) {
    long until = nanoTicker.getAsLong() + interval.toNanos();
    if (state == State.OPEN && until - openUntilNanos <= 0) {
      return;
    }
    boolean wasOpen = state != State.CLOSED;
    state = State.OPEN;
    openStatus = status;
    openUntilNanos = until;
    if (!wasOpen) {
      LOG.atInfo()
          .addKeyValue("host", hostName)
          .addKeyValue("failuresInARow", failuresInARow)
          .addKeyValue("status", status)
          .addKeyValue("openMs", interval.toMillis())
          .log("Opened the circuit to DPS");
    } else {
      LOG.atDebug()
          .addKeyValue("host", hostName)
          .addKeyValue("openMs", interval.toMillis())
          .log("Kept the circuit to DPS open");
    }
  }

  private static Outcome outcome(DpsException e) {
    if (e instanceof DpsUnavailableException || e instanceof DpsCredentialException) {
      // Not sent: DPS was not asked, so it neither failed nor answered.
      return Outcome.NEUTRAL;
    }
    if (e.status() == 0) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof IOException) {
          return Outcome.FAILED;
        }
      }
      return Outcome.NEUTRAL;
    }
    return e.isRetryable() ? Outcome.FAILED : Outcome.ANSWERED;
  }

  @Override
  public String toString() {
    return "DpsCircuitBreaker[host=" + hostName + ", state=" + state() + "]";
  }
}
