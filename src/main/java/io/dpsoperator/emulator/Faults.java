package io.dpsoperator.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runtime fault injection of a running emulator: a share of requests failing with a chosen status,
 * added latency and dropped connections. Applies to every request on the DPS port (service and
 * device API), never to the admin listener. Thread-safe; changes take effect on the next request.
 */
public final class Faults {

  /** The fault settings in force at one moment. */
  public record Settings(
      int failureStatus, double failureShare, Duration latency, double dropShare) {
    /** No faults. */
    public static final Settings NONE = new Settings(503, 0, Duration.ZERO, 0);

    public Settings {
      Objects.requireNonNull(latency, "latency");
      if (failureStatus < 400 || failureStatus > 599) {
        throw new IllegalArgumentException("failure status must be 4xx or 5xx: " + failureStatus);
      }
      checkShare(failureShare);
      checkShare(dropShare);
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative");
      }
    }

    /** True if no fault is configured. */
    public boolean none() {
      return failureShare == 0 && dropShare == 0 && latency.isZero();
    }
  }

  private final AtomicReference<Settings> settings = new AtomicReference<>(Settings.NONE);

  /** Makes {@code share} (0..1) of requests fail with {@code status} (e.g. 500, 503, 429). */
  public Faults failureRate(int status, double share) {
    settings.updateAndGet(s -> new Settings(status, share, s.latency(), s.dropShare()));
    return this;
  }

  /** Adds {@code latency} before every request is answered. */
  public Faults latency(Duration latency) {
    settings.updateAndGet(
        s -> new Settings(s.failureStatus(), s.failureShare(), latency, s.dropShare()));
    return this;
  }

  /** Closes the connection without an answer for {@code share} (0..1) of requests. */
  public Faults dropConnections(double share) {
    settings.updateAndGet(
        s -> new Settings(s.failureStatus(), s.failureShare(), s.latency(), share));
    return this;
  }

  /** Removes every fault. */
  public Faults clear() {
    settings.set(Settings.NONE);
    return this;
  }

  /** Replaces all settings at once. */
  public Faults set(Settings newSettings) {
    settings.set(Objects.requireNonNull(newSettings));
    return this;
  }

  /** The settings in force. */
  public Settings settings() {
    return settings.get();
  }

  /**
   * Applies the faults in force to one request of a device transport (MQTT, AMQP): sleeps the
   * latency, then returns true when the connection is to be dropped, or throws the injected
   * failure.
   */
  boolean inject() throws InterruptedException {
    Settings f = settings();
    if (f.none()) {
      return false;
    }
    if (!f.latency().isZero()) {
      Thread.sleep(f.latency().toMillis());
    }
    if (rollDrop(f)) {
      return true;
    }
    if (rollFailure(f)) {
      ApiException e =
          new ApiException(f.failureStatus(), f.failureStatus() * 1000 + 1, "Injected fault");
      if (f.failureStatus() == 429 || f.failureStatus() == 503) {
        e.header("Retry-After", "1");
      }
      throw e;
    }
    return false;
  }

  boolean rollDrop(Settings s) {
    return s.dropShare() > 0 && ThreadLocalRandom.current().nextDouble() < s.dropShare();
  }

  boolean rollFailure(Settings s) {
    return s.failureShare() > 0 && ThreadLocalRandom.current().nextDouble() < s.failureShare();
  }

  private static void checkShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be between 0 and 1: " + share);
    }
  }
}
