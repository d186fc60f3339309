package io.dpsoperator.dps;

import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics and logs around a {@link DpsClient}: a timer {@code dps.client.requests} per operation
 * and outcome ({@code success}, {@code 4xx}, {@code 5xx}, {@code error}; for calls never sent
 * {@code rate_limited}, {@code unavailable}, {@code credential}), a histogram with the fixed {@link
 * #BUCKETS}, counters {@code dps.client.retries} and {@code dps.client.throttled} (from the
 * delegate's {@link DpsCallListener} events), and a DEBUG line per call with operation, status,
 * tracking id and duration. No key, token or signature is ever logged or tagged.
 */
public final class InstrumentedDpsClient implements DpsClient {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentedDpsClient.class);

  /** Timer of calls, tagged {@code operation} and {@code outcome}. */
  public static final String REQUESTS = "dps.client.requests";

  /** Counter of retried attempts, tagged {@code operation}. */
  public static final String RETRIES = "dps.client.retries";

  /** Counter of throttled attempts, tagged {@code operation} and {@code source}. */
  public static final String THROTTLED = "dps.client.throttled";

  private final MeterRegistry registry;
  private final Recorder recorder;
  private final DpsClient delegate;

  /**
   * Wraps a client that cannot report retries and throttling; the counters then stay at zero and
   * the logged status of a success is {@code 2xx}.
   */
  public InstrumentedDpsClient(DpsClient delegate, MeterRegistry registry) {
    this(registry, listener -> delegate);
  }

  private InstrumentedDpsClient(
      MeterRegistry registry, Function<DpsCallListener, ? extends DpsClient> factory) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.recorder = new Recorder();
    this.delegate = Objects.requireNonNull(factory.apply(recorder), "delegate");
  }

  /**
   * Wraps the client made by {@code factory}, which receives the listener the delegate must report
   * to, e.g. {@code wrap(registry, l -> new OkHttpDpsClient(config, l))}.
   */
  public static InstrumentedDpsClient wrap(
      MeterRegistry registry, Function<DpsCallListener, ? extends DpsClient> factory) {
    return new InstrumentedDpsClient(registry, factory);
  }

  /** The wrapped client. */
  public DpsClient delegate() {
    return delegate;
  }

  @Override
  public String hostName() {
    return delegate.hostName();
  }

  @Override
  public IndividualEnrollment getIndividualEnrollment(String registrationId) {
    return call("getIndividualEnrollment", () -> delegate.getIndividualEnrollment(registrationId));
  }

  @Override
  public IndividualEnrollment createOrUpdateIndividualEnrollment(
      IndividualEnrollment enrollment, IfMatch ifMatch) {
    return call(
        "createOrUpdateIndividualEnrollment",
        () -> delegate.createOrUpdateIndividualEnrollment(enrollment, ifMatch));
  }

  @Override
  public void deleteIndividualEnrollment(String registrationId, IfMatch ifMatch) {
    run(
        "deleteIndividualEnrollment",
        () -> delegate.deleteIndividualEnrollment(registrationId, ifMatch));
  }

  @Override
  public AttestationMechanism getIndividualEnrollmentAttestationMechanism(String registrationId) {
    return call(
        "getIndividualEnrollmentAttestationMechanism",
        () -> delegate.getIndividualEnrollmentAttestationMechanism(registrationId));
  }

  @Override
  public DpsPage<IndividualEnrollment> queryIndividualEnrollments(
      int pageSize, String continuationToken) {
    return call(
        "queryIndividualEnrollments",
        () -> delegate.queryIndividualEnrollments(pageSize, continuationToken));
  }

  @Override
  public BulkEnrollmentOperationResult runIndividualEnrollmentBulkOperation(
      BulkOperationMode mode, List<IndividualEnrollment> enrollments) {
    return call(
        "runIndividualEnrollmentBulkOperation",
        () -> delegate.runIndividualEnrollmentBulkOperation(mode, enrollments));
  }

  @Override
  public EnrollmentGroup getEnrollmentGroup(String enrollmentGroupId) {
    return call("getEnrollmentGroup", () -> delegate.getEnrollmentGroup(enrollmentGroupId));
  }

  @Override
  public EnrollmentGroup createOrUpdateEnrollmentGroup(EnrollmentGroup group, IfMatch ifMatch) {
    return call(
        "createOrUpdateEnrollmentGroup",
        () -> delegate.createOrUpdateEnrollmentGroup(group, ifMatch));
  }

  @Override
  public void deleteEnrollmentGroup(String enrollmentGroupId, IfMatch ifMatch) {
    run("deleteEnrollmentGroup", () -> delegate.deleteEnrollmentGroup(enrollmentGroupId, ifMatch));
  }

  @Override
  public AttestationMechanism getEnrollmentGroupAttestationMechanism(String enrollmentGroupId) {
    return call(
        "getEnrollmentGroupAttestationMechanism",
        () -> delegate.getEnrollmentGroupAttestationMechanism(enrollmentGroupId));
  }

  @Override
  public DpsPage<EnrollmentGroup> queryEnrollmentGroups(int pageSize, String continuationToken) {
    return call(
        "queryEnrollmentGroups", () -> delegate.queryEnrollmentGroups(pageSize, continuationToken));
  }

  @Override
  public BulkEnrollmentOperationResult runEnrollmentGroupBulkOperation(
      BulkOperationMode mode, List<EnrollmentGroup> groups) {
    return call(
        "runEnrollmentGroupBulkOperation",
        () -> delegate.runEnrollmentGroupBulkOperation(mode, groups));
  }

  @Override
  public DeviceRegistrationState getDeviceRegistrationState(String registrationId) {
    return call(
        "getDeviceRegistrationState", () -> delegate.getDeviceRegistrationState(registrationId));
  }

  @Override
  public void deleteDeviceRegistrationState(String registrationId, IfMatch ifMatch) {
    run(
        "deleteDeviceRegistrationState",
        () -> delegate.deleteDeviceRegistrationState(registrationId, ifMatch));
  }

  @Override
  public DpsPage<DeviceRegistrationState> queryDeviceRegistrationStates(
      String enrollmentGroupId, int pageSize, String continuationToken) {
    return call(
        "queryDeviceRegistrationStates",
        () ->
            delegate.queryDeviceRegistrationStates(enrollmentGroupId, pageSize, continuationToken));
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "InstrumentedDpsClient[" + delegate + "]";
  }

  private void run(String operation, Runnable action) {
    call(
        operation,
        () -> {
          action.run();
          return null;
        });
  }

  private <T> T call(String operation, Supplier<T> action) {
    recorder.last.remove();
    long start = System.nanoTime();
    try {
      T result = action.get();
      long nanos = System.nanoTime() - start;
      Attempt last = recorder.last.get();
      record(operation, "success", nanos);
      if (LOG.isDebugEnabled()) {
        LOG.atDebug()
            .addKeyValue("operation", operation)
            .addKeyValue("status", last == null ? "2xx" : Integer.toString(last.status()))
            .addKeyValue(
                "trackingId", last == null || last.trackingId() == null ? "-" : last.trackingId())
            .addKeyValue("durationMs", TimeUnit.NANOSECONDS.toMillis(nanos))
            .log("Called DPS");
      }
      return result;
    } catch (DpsException e) {
      long nanos = System.nanoTime() - start;
      record(operation, outcome(e), nanos);
      if (LOG.isDebugEnabled()) {
        LOG.atDebug()
            .addKeyValue("operation", operation)
            .addKeyValue("status", e.status())
            .addKeyValue("errorCode", e.errorCode() == null ? "-" : e.errorCode())
            .addKeyValue("trackingId", e.trackingId() == null ? "-" : e.trackingId())
            .addKeyValue("durationMs", TimeUnit.NANOSECONDS.toMillis(nanos))
            .addKeyValue("retryable", e.isRetryable())
            .log("Called DPS");
      }
      throw e;
    } catch (RuntimeException e) {
      long nanos = System.nanoTime() - start;
      record(operation, "error", nanos);
      if (LOG.isDebugEnabled()) {
        LOG.atDebug()
            .addKeyValue("operation", operation)
            .addKeyValue("error", e.getClass().getSimpleName())
            .addKeyValue("durationMs", TimeUnit.NANOSECONDS.toMillis(nanos))
            .log("Refused DPS call");
      }
      throw e;
    } finally {
      recorder.last.remove();
    }
  }

  /**
   * Calls the client never sent are told apart from answers, so that the request count is the
   * number of requests DPS saw.
   */
  private static String outcome(DpsException e) {
    if (e instanceof DpsCredentialException) {
      return "credential";
    }
    if (e instanceof DpsRateLimitedException) {
      return "rate_limited";
    }
    if (e instanceof DpsUnavailableException) {
      return "unavailable";
    }
    return outcome(e.status());
  }

  private static String outcome(int status) {
    if (status >= 200 && status < 300) {
      return "success";
    }
    if (status >= 100 && status < 600) {
      return (status / 100) + "xx";
    }
    return "error";
  }

  /**
   * Bucket bounds of the {@link #REQUESTS} histogram ({@code dps_client_requests_seconds_bucket}):
   * from a fast answer in the same region to a call that waited for the rate limiter or timed out.
   */
  public static final List<Duration> BUCKETS =
      List.of(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  private void record(String operation, String outcome, long nanos) {
    Timer.builder(REQUESTS)
        .description("DPS service API calls, retries included")
        .serviceLevelObjectives(BUCKETS.toArray(Duration[]::new))
        .tag("operation", operation)
        .tag("outcome", outcome)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private record Attempt(int status, String trackingId) {}

  /** Turns the delegate's events into counters and remembers the last attempt per thread. */
  private final class Recorder implements DpsCallListener {
    private final ThreadLocal<Attempt> last = new ThreadLocal<>();

    @Override
    public void onAttempt(String operation, int attempt, int status, String trackingId) {
      last.set(new Attempt(status, trackingId));
    }

    @Override
    public void onRetry(String operation, int nextAttempt, int status, Duration delay) {
      Counter.builder(RETRIES)
          .description("DPS attempts retried after a retryable failure")
          .tag("operation", operation)
          .register(registry)
          .increment();
    }

    @Override
    public void onThrottled(String operation, ThrottleSource source, Duration waited) {
      Counter.builder(THROTTLED)
          .description("DPS calls held back by a 429 (server) or the client-side rate limiter")
          .tag("operation", operation)
          .tag("source", source.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry)
          .increment();
    }
  }
}
