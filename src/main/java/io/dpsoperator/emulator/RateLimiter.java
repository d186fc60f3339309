package io.dpsoperator.emulator;

/** A token bucket of {@code perMinute} operations per minute (burst up to one minute's worth). */
final class RateLimiter {
  private final int perMinute;
  private double tokens;
  private long lastNanos;

  RateLimiter(int perMinute) {
    this.perMinute = perMinute;
    this.tokens = perMinute;
    this.lastNanos = System.nanoTime();
  }

  /** Takes one token: 0 if allowed, otherwise the seconds to wait (at least 1). */
  synchronized long tryAcquire() {
    if (perMinute <= 0) {
      return 0;
    }
    long now = System.nanoTime();
    double perNano = perMinute / 60e9;
    tokens = Math.min(perMinute, tokens + (now - lastNanos) * perNano);
    lastNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
  }
}
