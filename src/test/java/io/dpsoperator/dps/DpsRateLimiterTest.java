package io.dpsoperator.dps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The token bucket, on a fake ticker: no test waits for real. */
class DpsRateLimiterTest {
  private final FakeTime time = new FakeTime();

  @Test
  void aBurstIsFreeThenPermitsComeAtTheConfiguredRate() throws Exception {
    DpsRateLimiter limiter = new DpsRateLimiter(600, 10, time, time); // 10 per second
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquireNanos(0)).isZero();
    }
    assertThat(limiter.tryAcquire(Duration.ZERO)).isFalse();
    assertThat(limiter.tryAcquireNanos(Duration.ofSeconds(1).toNanos()))
        .isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void limitsThroughputToTheRateOverTime() throws Exception {
    int perMinute = 1000;
    DpsRateLimiter limiter =
        new DpsRateLimiter(perMinute, DpsRateLimiter.defaultBurst(perMinute), time, time);
    long end = Duration.ofMinutes(10).toNanos();
    int granted = 0;
    while (true) {
      assertThat(limiter.tryAcquire(Duration.ofMinutes(1))).isTrue();
      if (time.getAsLong() > end) {
        break;
      }
      granted++;
    }
    // 10 minutes at 1000/min plus the initial burst of 16.
    assertThat(granted).isBetween(10 * perMinute, 10 * perMinute + 16);
  }

  @Test
  void idleTimeRefillsOnlyUpToTheBurst() throws Exception {
    DpsRateLimiter limiter = new DpsRateLimiter(60, 3, time, time);
    time.advance(Duration.ofHours(1));
    assertThat(limiter.availablePermits()).isEqualTo(3.0);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(Duration.ZERO)).isTrue();
    }
    assertThat(limiter.tryAcquire(Duration.ZERO)).isFalse();
  }

  @Test
  void aRefusedCallTakesNothing() throws Exception {
    DpsRateLimiter limiter = new DpsRateLimiter(60, 1, time, time);
    assertThat(limiter.tryAcquire(Duration.ZERO)).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(Duration.ofMillis(500))).isFalse();
    }
    time.advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void waitingCallersQueueBehindEachOther() throws Exception {
    // Reservations: the second and third waiter wait one and two periods, not the same one.
    DpsRateLimiter limiter = new DpsRateLimiter(60, 1, time, d -> {});
    assertThat(limiter.tryAcquireNanos(0)).isZero();
    assertThat(limiter.tryAcquireNanos(Long.MAX_VALUE)).isEqualTo(1_000_000_000L);
    assertThat(limiter.tryAcquireNanos(Long.MAX_VALUE)).isEqualTo(2_000_000_000L);
    assertThat(limiter.tryAcquireNanos(1_500_000_000L)).isEqualTo(-1);
  }

  @Test
  void isThreadSafe() throws Exception {
    // A burst of 1000 and a negligible refill: exactly 1000 of 1600 concurrent tries succeed.
    DpsRateLimiter limiter = new DpsRateLimiter(1, 1000, time, time);
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    if (limiter.tryAcquire(Duration.ZERO)) {
                      granted.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(granted).hasValue(1000);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new DpsRateLimiter(0, 1, time, time))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DpsRateLimiter(10, 0, time, time))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(DpsRateLimiter.defaultBurst(1000)).isEqualTo(16);
    assertThat(DpsRateLimiter.defaultBurst(10)).isEqualTo(1);
  }
}
