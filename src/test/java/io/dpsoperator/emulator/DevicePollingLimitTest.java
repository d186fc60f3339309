package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.TestClient.Resp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The device polling limit (N operation-status polls per device in any 10 s) and Retry-After. */
class DevicePollingLimitTest {

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    private volatile Instant now;

    MovingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

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
      return now;
    }
  }

  @Property
  void neverMoreThanTheLimitInAnyWindowAndRefusesOnlyAtTheLimit(
      @ForAll @IntRange(min = 1, max = 6) int limit,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 4000) Integer> gapsMillis) {
    MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    PollLimiter limiter = new PollLimiter(limit, clock);
    List<Instant> accepted = new ArrayList<>();
    for (int gap : gapsMillis) {
      clock.advance(Duration.ofMillis(gap));
      Instant now = clock.instant();
      long inWindow =
          accepted.stream().filter(t -> t.isAfter(now.minus(PollLimiter.WINDOW))).count();
      long wait = limiter.tryAcquire("dev");
      if (wait == 0) {
        assertThat(inWindow).isLessThan(limit);
        accepted.add(now);
      } else {
        assertThat(inWindow).isEqualTo(limit);
        assertThat(wait).isBetween(1L, 10L);
      }
    }
  }

  @Test
  void pollsOverTheLimitAreAnswered429WithRetryAfterAndOtherDevicesAreNotAffected()
      throws Exception {
    MovingClock clock = new MovingClock(Instant.now());
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .clock(clock)
            .assignmentDelay(Duration.ofHours(1))
            .registrationRetryAfter(Duration.ofSeconds(3))
            .pollsPerDevicePer10Seconds(5)
            .build()
            .start()) {
      TestClient client = new TestClient(dps);
      String keyA = enroll(client, "poll-a");
      String keyB = enroll(client, "poll-b");
      Resp registered = client.register("poll-a", keyA, null);
      assertThat(registered.status()).isEqualTo(202);
      assertThat(registered.header("Retry-After")).isEqualTo("3");
      String op = registered.json().get("operationId").asText();
      String token =
          Sas.deviceToken(
              dps.idScope(), "poll-a", keyA, clock.instant().plusSeconds(3600).getEpochSecond());
      for (int i = 0; i < 5; i++) {
        Resp poll = client.device("GET", "/registrations/poll-a/operations/" + op, token, null);
        assertThat(poll.status()).isEqualTo(202);
        assertThat(poll.header("Retry-After")).isEqualTo("3");
        clock.advance(Duration.ofSeconds(1));
      }
      Resp refused = client.device("GET", "/registrations/poll-a/operations/" + op, token, null);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().get("errorCode").asInt()).isEqualTo(429001);
      // the first poll leaves the window 10 s after it was made, 5 s from now
      assertThat(refused.header("Retry-After")).isEqualTo("5");

      // another device polls freely
      Resp other = client.register("poll-b", keyB, null);
      String tokenB =
          Sas.deviceToken(
              dps.idScope(), "poll-b", keyB, clock.instant().plusSeconds(3600).getEpochSecond());
      assertThat(
              client
                  .device(
                      "GET",
                      "/registrations/poll-b/operations/"
                          + other.json().get("operationId").asText(),
                      tokenB,
                      null)
                  .status())
          .isEqualTo(202);

      clock.advance(Duration.ofSeconds(5));
      assertThat(
              client.device("GET", "/registrations/poll-a/operations/" + op, token, null).status())
          .isEqualTo(202);
    }
  }

  private static String enroll(TestClient client, String id) {
    return client
        .service("PUT", "/enrollments/" + id, Map.of("attestation", Map.of("type", "symmetricKey")))
        .json()
        .at("/attestation/symmetricKey/primaryKey")
        .asText();
  }
}
