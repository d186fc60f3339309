package io.dpsoperator.dps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dpsoperator.dps.DpsCircuitBreaker.State;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The circuit's states and the call slots, on fake time. */
class DpsCircuitBreakerTest {
  private static final Duration OPEN = Duration.ofSeconds(5);

  private final FakeTime time = new FakeTime();
  private final AtomicInteger sent = new AtomicInteger();
  private final DpsCircuitBreaker breaker = breaker(3, 4, Duration.ZERO);

  private DpsCircuitBreaker breaker(int threshold, int slots, Duration maxWait) {
    return new DpsCircuitBreaker(
        "dps-a.example", new DpsCircuitBreaker.Settings(threshold, OPEN, slots, maxWait), time);
  }

  private static DpsException noAnswer() {
    return new DpsException("get", 0, null, null, "timed out", new SocketTimeoutException());
  }

  private static DpsException http(int status) {
    return new DpsException("get", status, null, null, "HTTP " + status, null);
  }

  /** Sends a call that fails with {@code failure} (null: succeeds); returns what the caller saw. */
  private DpsException call(DpsException failure) {
    try {
      breaker.call(
          "get",
          () -> {
            sent.incrementAndGet();
            if (failure != null) {
              throw failure;
            }
            return "ok";
          });
      return null;
    } catch (DpsException e) {
      return e;
    }
  }

  @Test
  void opensAfterFailuresInARowAndThenFailsFastWithoutSending() {
    call(noAnswer());
    call(http(503));
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    call(noAnswer());
    assertThat(breaker.state()).isEqualTo(State.OPEN);

    DpsException fast = call(null);

    assertThat(fast).isInstanceOf(DpsUnavailableException.class);
    assertThat(fast.isRetryable()).isTrue();
    assertThat(fast.status()).isZero();
    assertThat(fast.retryAfter()).hasValue(OPEN);
    assertThat(fast.getMessage()).contains("dps-a.example").contains("fail fast");
    assertThat(sent).hasValue(3);
  }

  @Test
  void credentialFailuresEvenRetryableOnesNeverOpenTheCircuit() {
    DpsException unreachableTokenEndpoint =
        new DpsCredentialException(
            "get",
            new io.dpsoperator.dps.auth.DpsAuthenticationException(
                io.dpsoperator.dps.auth.AuthFailure.TOKEN_EXCHANGE_FAILED, true, "unreachable"));
    for (int i = 0; i < 5; i++) {
      call(unreachableTokenEndpoint);
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(call(null)).isNull();
  }

  @Test
  void aSuccessfulProbeClosesTheCircuit() {
    open();
    time.advance(OPEN.minusMillis(1));
    assertThat(call(null)).isInstanceOf(DpsUnavailableException.class);
    time.advance(Duration.ofMillis(1));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);

    assertThat(call(null)).isNull();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(call(null)).isNull();
    assertThat(sent).hasValue(3 + 2);
  }

  @Test
  void aFailedProbeOpensItAgainForAnotherInterval() {
    open();
    time.advance(OPEN);

    assertThat(call(noAnswer())).isNotInstanceOf(DpsUnavailableException.class);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    time.advance(OPEN.minusMillis(1));
    assertThat(call(null)).isInstanceOf(DpsUnavailableException.class);
    assertThat(sent).hasValue(3 + 1);
  }

  @Test
  void onlyOneProbeAtATime() throws Exception {
    open();
    time.advance(OPEN);
    CountDownLatch probing = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    CompletableFuture<String> probe =
        CompletableFuture.supplyAsync(
            () ->
                breaker.call(
                    "get",
                    () -> {
                      probing.countDown();
                      await(answer);
                      return "ok";
                    }));
    assertThat(probing.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(call(null)).isInstanceOf(DpsUnavailableException.class);

    answer.countDown();
    assertThat(probe.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void a429OpensAtOnceForItsRetryAfterAndSaysThrottled() {
    DpsException throttled =
        new DpsException("get", 429, 429001, null, "throttled", null, Duration.ofSeconds(7));

    call(throttled);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    time.advance(Duration.ofMillis(6_900));
    DpsException fast = call(null);
    assertThat(fast).isInstanceOf(DpsUnavailableException.class);
    assertThat(fast.isThrottled()).isTrue();
    assertThat(fast.retryAfter()).hasValue(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100));
    assertThat(call(null)).isNull();
    assertThat(sent).hasValue(2);
  }

  @Test
  void answersThatAreNotOutagesNeitherCountNorOpen() {
    for (int status : new int[] {400, 401, 404, 409, 412}) {
      call(http(status));
    }
    // The client's own rate limiter refusing a call says nothing about DPS.
    for (int i = 0; i < 5; i++) {
      call(new DpsException("get", 0, null, null, "rate limit", null));
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aSuccessResetsTheCount() {
    call(noAnswer());
    call(noAnswer());
    call(null);
    call(noAnswer());
    call(noAnswer());
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aCallFindingEverySlotTakenFailsFastAndCountsAsAFailure() throws Exception {
    DpsCircuitBreaker oneSlot = breaker(1, 1, Duration.ZERO);
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    CompletableFuture<String> slow =
        CompletableFuture.supplyAsync(
            () ->
                oneSlot.call(
                    "get",
                    () -> {
                      inFlight.countDown();
                      await(answer);
                      return "late";
                    }));
    assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();

    DpsUnavailableException busy =
        catchThrowableOfType(
            () -> oneSlot.call("get", () -> "never sent"), DpsUnavailableException.class);

    assertThat(busy.getMessage()).contains("still waiting for an answer");
    assertThat(oneSlot.state()).isEqualTo(State.OPEN);
    answer.countDown();
    assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("late");
    // A late answer of a call sent before the circuit opened does not close it.
    assertThat(oneSlot.state()).isEqualTo(State.OPEN);
  }

  /** However failures and successes interleave, the circuit opens exactly at the threshold. */
  @Property(tries = 200)
  void opensExactlyAfterThresholdFailuresInARow(
      @ForAll @IntRange(min = 1, max = 6) int threshold,
      @ForAll @IntRange(min = 0, max = 10) int successesFirst,
      @ForAll @IntRange(min = 0, max = 12) int failures) {
    DpsCircuitBreaker b =
        new DpsCircuitBreaker(
            "h", new DpsCircuitBreaker.Settings(threshold, OPEN, 2, Duration.ZERO), time);
    for (int i = 0; i < successesFirst; i++) {
      b.call("get", () -> "ok");
    }
    int sentFailures = 0;
    for (int i = 0; i < failures; i++) {
      try {
        b.run(
            "get",
            () -> {
              throw new DpsException("get", 0, null, null, "refused", new ConnectException());
            });
      } catch (DpsUnavailableException e) {
        continue;
      } catch (DpsException e) {
        sentFailures++;
      }
    }
    assertThat(b.state()).isEqualTo(failures >= threshold ? State.OPEN : State.CLOSED);
    assertThat(sentFailures).isEqualTo(Math.min(failures, threshold));
  }

  private void open() {
    call(noAnswer());
    call(noAnswer());
    call(noAnswer());
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
