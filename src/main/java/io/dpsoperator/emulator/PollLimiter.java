package io.dpsoperator.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device polling limit of DPS: at most {@code perWindow} operation-status polls per device in
 * any 10 seconds (a sliding window; refused polls do not count). {@code perWindow} 0 = unlimited.
 */
final class PollLimiter {
  static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int SWEEP_ABOVE = 10_000;

  private final int perWindow;
  private final Clock clock;
  private final Map<String, Deque<Instant>> polls = new ConcurrentHashMap<>();

  PollLimiter(int perWindow, Clock clock) {
    this.perWindow = Math.max(0, perWindow);
    this.clock = clock;
  }

  /** 0 when the device may poll now (the poll is counted), else whole seconds to wait (≥ 1). */
  long tryAcquire(String deviceKey) {
    if (perWindow == 0) {
      return 0;
    }
    Instant now = clock.instant();
    Instant windowStart = now.minus(WINDOW);
    Deque<Instant> recent = polls.computeIfAbsent(deviceKey, k -> new ArrayDeque<>());
    synchronized (recent) {
      while (!recent.isEmpty() && !recent.peekFirst().isAfter(windowStart)) {
        recent.pollFirst();
      }
      if (recent.size() >= perWindow) {
        long millis = Duration.between(now, recent.peekFirst().plus(WINDOW)).toMillis();
        return Math.max(1, (millis + 999) / 1000);
      }
      recent.addLast(now);
    }
    if (polls.size() > SWEEP_ABOVE) {
      polls
          .entrySet()
          .removeIf(
              e -> {
                synchronized (e.getValue()) {
                  Instant last = e.getValue().peekLast();
                  return last == null || !last.isAfter(windowStart);
                }
              });
    }
    return 0;
  }
}
