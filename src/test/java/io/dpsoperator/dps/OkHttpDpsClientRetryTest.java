package io.dpsoperator.dps;

import static io.dpsoperator.dps.DpsFixtures.enrollment;
import static io.dpsoperator.dps.DpsFixtures.enrollmentJson;
import static io.dpsoperator.dps.DpsFixtures.error;
import static io.dpsoperator.dps.DpsFixtures.json;
import static io.dpsoperator.dps.OkHttpDpsClientWireTest.catchDps;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries, backoff, Retry-After, timeouts and the rate limiter, on fake time. */
class OkHttpDpsClientRetryTest {
  private final FakeTime time = new FakeTime();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final DpsCallListener listener =
      new DpsCallListener() {
        @Override
        public void onAttempt(String operation, int attempt, int status, String trackingId) {
          events.add("attempt " + attempt + " " + status);
        }

        @Override
        public void onRetry(String operation, int nextAttempt, int status, Duration delay) {
          events.add(
              "retry " + nextAttempt + " after " + status + " in " + delay.toMillis() + "ms");
        }

        @Override
        public void onThrottled(String operation, ThrottleSource source, Duration waited) {
          events.add("throttled " + source + " " + waited.toMillis() + "ms");
        }
      };
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private OkHttpDpsClient client(DpsClientConfig.Builder config) {
    return new OkHttpDpsClient(config.build(), listener);
  }

  private DpsClientConfig.Builder config() {
    return DpsFixtures.httpConfig(server, time)
        .maxRetries(3)
        .baseBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofSeconds(10))
        .operationsPerMinute(100_000);
  }

  @Test
  void retriesA429HonouringRetryAfter() throws Exception {
    server.enqueue(error(429, 429001, "t1", "Throttled").setHeader("Retry-After", "7"));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient client = client(config())) {
      assertThat(client.getIndividualEnrollment("d").etag()).isEqualTo("\"1\"");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
    assertThat(events)
        .containsExactly(
            "attempt 1 429",
            "throttled SERVER 0ms",
            "retry 2 after 429 in 7000ms",
            "attempt 2 200");
  }

  @Test
  void retriesA503HonouringRetryAfterUntilSuccess() throws Exception {
    server.enqueue(error(503, 503001, "t1", "Busy").setHeader("Retry-After", "2"));
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", "1.5"));
    server.enqueue(new MockResponse().setResponseCode(204));
    try (OkHttpDpsClient client = client(config())) {
      client.deleteIndividualEnrollment("d", IfMatch.any());
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofMillis(1500));
    // Each attempt is a complete request, with the same If-Match.
    for (int i = 0; i < 3; i++) {
      assertThat(DpsFixtures.take(server).getHeader("If-Match")).isEqualTo("*");
    }
  }

  @Test
  void retryAfterIsCappedByMaxBackoff() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "3600"));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient client = client(config().maxBackoff(Duration.ofSeconds(5)))) {
      client.getIndividualEnrollment("d");
    }
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void retryAfterAsAnHttpDate() throws Exception {
    String at =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            time.now().plusSeconds(4).atZone(java.time.ZoneOffset.UTC));
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", at));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient client = client(config())) {
      client.getIndividualEnrollment("d");
    }
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(4));
  }

  @Test
  void withoutRetryAfterBackoffIsExponentialWithFullJitter() throws Exception {
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse().setResponseCode(500));
    }
    DpsException e;
    try (OkHttpDpsClient client = client(config().maxBackoff(Duration.ofMillis(300)))) {
      e = catchDps(() -> client.getEnrollmentGroup("g"));
    }
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("attempt 4 of 4");
    List<Duration> sleeps = time.sleeps();
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
    assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
    assertThat(sleeps.get(2)).isBetween(Duration.ZERO, Duration.ofMillis(300)); // capped, not 400
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 412})
  void neverRetriesTerminalStatuses(int status) throws Exception {
    server.enqueue(error(status, status * 1000 + 1, "t", "No").setHeader("Retry-After", "1"));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    DpsException e;
    try (OkHttpDpsClient client = client(config())) {
      e =
          catchDps(
              () ->
                  client.createOrUpdateIndividualEnrollment(
                      enrollment("d"), IfMatch.etag("\"0\"")));
    }
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.isRetryable()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps()).isEmpty();
    assertThat(events).containsExactly("attempt 1 " + status);
  }

  @Test
  void retriesANetworkFailure() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient client = client(config())) {
      assertThat(client.getIndividualEnrollment("d").registrationId()).isEqualTo("d");
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(events).first().isEqualTo("attempt 1 0");
  }

  @Test
  void aTimeoutIsStatusZeroAndRetryable() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    DpsException e;
    try (OkHttpDpsClient client =
        client(config().maxRetries(0).requestTimeout(Duration.ofMillis(300)))) {
      e = catchDps(() -> client.getIndividualEnrollment("d"));
    }
    assertThat(e.status()).isZero();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).contains("timed out").contains("attempt 1 of 1");
    assertThat(e.getCause()).isInstanceOf(java.io.InterruptedIOException.class);
  }

  @Test
  void everyAttemptTakesARateLimiterPermit() throws Exception {
    // 60 per minute, burst 1: the first attempt is free, each further one waits a second.
    DpsRateLimiter limiter = new DpsRateLimiter(60, 1, time, time);
    server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", "0"));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient client = client(config().rateLimiter(limiter))) {
      client.getIndividualEnrollment("d");
      client.getIndividualEnrollment("d");
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
    // Retry-After: 0 is retried by this client, not by OkHttp behind the limiter's back.
    assertThat(time.sleeps())
        .containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(events).filteredOn(s -> s.startsWith("retry")).hasSize(1);
    assertThat(events).filteredOn(s -> s.startsWith("throttled CLIENT")).hasSize(2);
  }

  @Test
  void aCallFailsWithoutBeingSentWhenTheLimiterHasNoPermitInTime() throws Exception {
    DpsRateLimiter limiter = new DpsRateLimiter(1, 1, time, time);
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    DpsException e;
    try (OkHttpDpsClient client =
        client(config().rateLimiter(limiter).rateLimitTimeout(Duration.ofSeconds(10)))) {
      client.getIndividualEnrollment("d");
      e = catchDps(() -> client.getIndividualEnrollment("d"));
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).contains("client-side rate limit");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void sharedLimiterIsUsedByEveryClient() throws Exception {
    DpsRateLimiter limiter = new DpsRateLimiter(60, 1, time, time);
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    server.enqueue(json(enrollmentJson("d", "\"1\"")));
    try (OkHttpDpsClient a = client(config().rateLimiter(limiter));
        OkHttpDpsClient b = client(config().rateLimiter(limiter))) {
      a.getIndividualEnrollment("d");
      b.getIndividualEnrollment("d");
    }
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1));
  }
}
