package io.dpsoperator.dps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Time for tests: a wall clock, a nanosecond ticker and a sleeper that only moves the time on, so
 * nothing really waits. Records every sleep.
 */
public final class FakeTime implements Sleeper, LongSupplier {
  private long nanos;
  private final Instant origin;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  public FakeTime(Instant origin) {
    this.origin = origin;
  }

  public FakeTime() {
    this(Instant.parse("2023-11-14T22:13:20Z"));
  }

  public synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }

  @Override
  public synchronized long getAsLong() {
    return nanos;
  }

  public synchronized Instant now() {
    return origin.plusNanos(nanos);
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    if (!duration.isNegative()) {
      advance(duration);
    }
  }

  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  public Duration totalSlept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }

  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now();
      }
    };
  }
}
