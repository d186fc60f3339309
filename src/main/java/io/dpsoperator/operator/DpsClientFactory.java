package io.dpsoperator.operator;

import io.dpsoperator.dps.CircuitBreakingDpsClient;
import io.dpsoperator.dps.DpsCircuitBreaker;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsClients;
import io.dpsoperator.dps.DpsRateLimiter;
import io.dpsoperator.dps.auth.ConnectionString;
import io.dpsoperator.dps.auth.DpsCredential;
import io.dpsoperator.operator.connections.WorkloadIdentities;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Makes the operator's DPS clients so that a failing DPS never holds reconcile threads: JOSDK's
 * retry is the one layer that retries and backs off, so the client itself does not retry or sleep;
 * every call is bounded by the connect and request timeouts; each DPS host has its own circuit
 * breaker (fail fast during an outage or after a 429) and its own rate limiter (each DPS has its
 * own quota, and callers waiting for one DPS must not hold back another).
 */
public final class DpsClientFactory implements Function<String, DpsClient> {

  /**
   * No retry inside a reconcile thread. One immediate retry of reads was considered (it would hide
   * a reset pooled connection), but a retry of a call that timed out doubles the thread hold, and
   * JOSDK retries a failed reconcile after a second anyway.
   */
  static final int CLIENT_RETRIES = 0;

  /** The longest a call waits for the client-side rate limiter before it fails as retryable. */
  static final Duration RATE_LIMIT_WAIT = Duration.ofMillis(200);

  /** Failures in a row that open a DPS's circuit. */
  static final int FAILURE_THRESHOLD = 3;

  /** How long an open circuit fails calls at once before one probe call goes through. */
  static final Duration OPEN_INTERVAL = Duration.ofSeconds(5);

  /**
   * How long a call waits for one of its DPS's call slots; a DPS that answers keeps slots free
   * within milliseconds, so a longer wait means it has stopped answering.
   */
  static final Duration SLOT_WAIT = Duration.ofMillis(500);

  private final OperatorConfig config;
  private final Optional<String> extraCaPem;
  private final MeterRegistry meters;
  private final DpsCircuitBreaker.Settings breakerSettings;
  private final WorkloadIdentities identities;
  private final Map<String, DpsRateLimiter> limiters = new ConcurrentHashMap<>();
  private final Map<String, DpsCircuitBreaker> breakers = new ConcurrentHashMap<>();

  /**
   * @param reconcileThreads the operator's reconcile threads; one DPS may hold at most half of them
   *     in calls, so that the other DPS instances always have threads
   */
  public DpsClientFactory(
      OperatorConfig config,
      Optional<String> extraCaPem,
      MeterRegistry meters,
      int reconcileThreads) {
    this.config = config;
    this.extraCaPem = extraCaPem;
    this.meters = meters;
    this.identities =
        new WorkloadIdentities(
            config.workloadIdentityEnv(),
            this::operatorCaPem,
            config.requestTimeout(),
            config.connectTimeout());
    this.breakerSettings =
        new DpsCircuitBreaker.Settings(
            FAILURE_THRESHOLD, OPEN_INTERVAL, Math.max(1, reconcileThreads / 2), SLOT_WAIT);
  }

  /**
   * A client of the DPS a connection string names.
   *
   * @throws IllegalArgumentException if the connection string is malformed
   */
  @Override
  public DpsClient apply(String connectionString) {
    DpsClientConfig clientConfig = configFor(connectionString);
    return new CircuitBreakingDpsClient(
        DpsClients.create(clientConfig, meters),
        breakerFor(clientConfig.connectionString().hostName()));
  }

  /**
   * A client of a connection object's DPS: its own rate limiter (keyed by the connection, at its
   * rate) and its own trust when it has a CA bundle; the circuit breaker is the DPS host's.
   *
   * @param limiterKey the connection the limiter belongs to; a changed rate makes a new limiter
   */
  public DpsClient create(
      String host,
      DpsCredential credential,
      String limiterKey,
      int operationsPerMinute,
      Optional<String> caBundlePem) {
    DpsClientConfig.Builder b =
        withOperatorSettings(
            DpsClientConfig.builder(host, credential),
            limiterKey + "@" + operationsPerMinute,
            operationsPerMinute);
    if (caBundlePem.isPresent()) {
      b.caBundlePem(caBundlePem.get());
    } else {
      operatorTrust(b);
    }
    DpsClientConfig clientConfig = b.build();
    return new CircuitBreakingDpsClient(
        DpsClients.create(clientConfig, meters), breakerFor(clientConfig.hostName()));
  }

  /** Makes (and shares) the workload identity credentials of connection objects. */
  public WorkloadIdentities workloadIdentities() {
    return identities;
  }

  /** The operator-wide extra trust as PEM text: the CA bundle file and the wired PEM. */
  private Optional<String> operatorCaPem() {
    StringBuilder pem = new StringBuilder();
    config
        .caBundleFile()
        .ifPresent(
            f -> {
              try {
                pem.append(Files.readString(Path.of(f), StandardCharsets.US_ASCII)).append('\n');
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "Could not read the CA bundle " + f + ": " + e.getMessage(), e);
              }
            });
    extraCaPem.ifPresent(pem::append);
    return pem.isEmpty() ? Optional.empty() : Optional.of(pem.toString());
  }

  /** Forgets the limiters of a connection that is gone. */
  public void forgetLimiters(String limiterKey) {
    limiters.keySet().removeIf(k -> k.startsWith(limiterKey + "@"));
  }

  private void operatorTrust(DpsClientConfig.Builder b) {
    config.caBundleFile().ifPresent(f -> b.caBundlePath(Path.of(f)));
    extraCaPem.ifPresent(b::caBundlePem);
  }

  /** The client settings of a connection string. */
  DpsClientConfig configFor(String connectionString) {
    ConnectionString parsed = ConnectionString.parse(connectionString);
    String host = key(parsed.hostName());
    DpsClientConfig.Builder b =
        withOperatorSettings(DpsClientConfig.builder(parsed), host, config.rateLimitPerMinute());
    operatorTrust(b);
    return b.build();
  }

  /**
   * The operator's timeouts and retries, and the shared limiter of {@code limiterKey}: DPS's quota
   * is per minute, so a minute's worth may go at once, as DPS allows.
   */
  private DpsClientConfig.Builder withOperatorSettings(
      DpsClientConfig.Builder b, String limiterKey, int operationsPerMinute) {
    return b.requestTimeout(config.requestTimeout())
        .connectTimeout(config.connectTimeout())
        .maxRetries(CLIENT_RETRIES)
        .rateLimitTimeout(RATE_LIMIT_WAIT)
        .rateLimiter(
            limiters.computeIfAbsent(
                limiterKey,
                k ->
                    new DpsRateLimiter(
                        operationsPerMinute,
                        operationsPerMinute,
                        System::nanoTime,
                        io.dpsoperator.dps.Sleeper.system())));
  }

  /** The one breaker of a DPS host. */
  DpsCircuitBreaker breakerFor(String hostName) {
    return breakers.computeIfAbsent(
        key(hostName), h -> new DpsCircuitBreaker(hostName, breakerSettings, System::nanoTime));
  }

  private static String key(String hostName) {
    return hostName.toLowerCase(java.util.Locale.ROOT);
  }
}
