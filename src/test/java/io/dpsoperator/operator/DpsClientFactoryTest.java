package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.DpsUnavailableException;
import io.dpsoperator.dps.InstrumentedDpsClient;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.Faults;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's DPS clients do not retry or sleep in the caller's thread, and fail fast. */
class DpsClientFactoryTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private DpsEmulator emulator;
  private DpsClientFactory factory;

  @BeforeEach
  void start() {
    // Every request fails with 503 and "Retry-After: 1", which the old client slept through.
    emulator =
        DpsEmulator.builder()
            .port(0)
            .faults(new Faults.Settings(503, 1.0, Duration.ZERO, 0))
            .build()
            .start();
    factory =
        new DpsClientFactory(
            OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_REQUEST_TIMEOUT", "3s")),
            Optional.of(emulator.caCertificatePem()),
            meters,
            10);
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void aFailingCallIsSentOnceAndReturnsAtOnce() {
    try (DpsClient client = factory.apply(emulator.serviceConnectionString())) {
      // A first call sets up TLS and warms the client, so that the timing below is the call's.
      emulator.faults().clear();
      assertThat(client.queryIndividualEnrollments(1, null).items()).isEmpty();
      emulator.faults().failureRate(503, 1.0);
      long start = System.nanoTime();
      DpsException failure =
          catchThrowableOfType(() -> client.getIndividualEnrollment("d1"), DpsException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(failure.status()).isEqualTo(503);
      assertThat(failure.isRetryable()).isTrue();
      assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(1));
      assertThat(requestsSent()).isEqualTo(2);
      // The old client slept through "Retry-After: 1" up to four times before it gave up.
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void afterThreeFailuresCallsFailWithoutBeingSent() {
    try (DpsClient client = factory.apply(emulator.serviceConnectionString())) {
      for (int i = 0; i < DpsClientFactory.FAILURE_THRESHOLD; i++) {
        catchThrowableOfType(() -> client.getIndividualEnrollment("d1"), DpsException.class);
      }

      DpsException fast =
          catchThrowableOfType(() -> client.getEnrollmentGroup("g1"), DpsException.class);

      assertThat(fast).isInstanceOf(DpsUnavailableException.class);
      assertThat(fast.isRetryable()).isTrue();
      assertThat(requestsSent()).isEqualTo(DpsClientFactory.FAILURE_THRESHOLD);
    }
  }

  @Test
  void clientsAreBoundedAndNeverRetry() {
    DpsClientConfig config = factory.configFor(emulator.serviceConnectionString());

    assertThat(config.maxRetries()).isZero();
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.rateLimitTimeout()).isLessThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void eachDpsHostHasItsOwnRateLimiterAndBreaker() {
    String a = "HostName=dps-a.example;SharedAccessKeyName=p;SharedAccessKey=" + key();
    String a2 = "HostName=DPS-A.example;SharedAccessKeyName=other;SharedAccessKey=" + key();
    String b = "HostName=dps-b.example;SharedAccessKeyName=p;SharedAccessKey=" + key();

    assertThat(factory.configFor(a).rateLimiter())
        .isSameAs(factory.configFor(a2).rateLimiter())
        .isNotSameAs(factory.configFor(b).rateLimiter());
    assertThat(factory.breakerFor("dps-a.example"))
        .isSameAs(factory.breakerFor("DPS-A.example"))
        .isNotSameAs(factory.breakerFor("dps-b.example"));
  }

  private long requestsSent() {
    return meters.find(InstrumentedDpsClient.REQUESTS).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  private static String key() {
    return Fixtures.randomKey();
  }
}
