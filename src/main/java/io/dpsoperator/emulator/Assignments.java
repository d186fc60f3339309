package io.dpsoperator.emulator;

import static io.dpsoperator.emulator.EnrollmentCodec.key;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an authenticated register call into an operation and a registration record, whatever the
 * transport. A custom allocation runs after the register call has answered "assigning", as in DPS:
 * its webhook is called on a thread of its own while the device polls.
 */
final class Assignments {
  private static final Logger LOG = LoggerFactory.getLogger(Assignments.class);

  /** The code of a registration with no matching enrollment (DPS: status failed, 404201). */
  static final int NO_ENROLLMENT = 404201;

  /**
   * The code of a registration refused because its enrollment is disabled. DPS's own code for this
   * case is not documented (see docs/emulator.md); the emulator's choice.
   */
  static final int ENROLLMENT_DISABLED = 401003;

  private static final int WEBHOOK_THREADS = 32;

  private final EmulatorConfig config;
  private final EmulatorState state;
  private final Allocator allocator;
  private final Duration assignmentDelay;
  private final ExecutorService webhooks;

  Assignments(
      EmulatorConfig config, EmulatorState state, Allocator allocator, Duration assignmentDelay) {
    this.config = config;
    this.state = state;
    this.allocator = allocator;
    this.assignmentDelay = assignmentDelay;
    AtomicInteger ids = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            WEBHOOK_THREADS,
            WEBHOOK_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "dps-emulator-allocation-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // Idle threads end, so an emulator that is not closed leaves nothing behind.
    pool.allowCoreThreadTimeOut(true);
    this.webhooks = pool;
  }

  /** Starts the operation of a device whose credentials matched {@code match}. */
  Operations.Operation start(Registrations.Match match, String registrationId, JsonNode payload) {
    Instant now = config.clock().instant();
    Instant readyAt = now.plus(assignmentDelay);
    String key = key(registrationId);
    if (!match.disabled() && allocator.callsWebhook(match.enrollment())) {
      Operations.Operation op = state.operations.start(key, now, readyAt, null);
      state.changed();
      webhooks.execute(
          () -> {
            Registration result;
            try {
              result = assign(match, registrationId, payload);
            } catch (RuntimeException e) {
              LOG.atWarn()
                  .addKeyValue("registrationId", registrationId)
                  .setCause(e)
                  .log("Failed custom allocation");
              result = failed(registrationId, 500001, "Internal error during the allocation");
            }
            state.operations.complete(op.id(), result);
            state.changed();
          });
      return op;
    }
    Registration result = assign(match, registrationId, payload);
    Operations.Operation op = state.operations.start(key, now, readyAt, result);
    state.changed();
    return op;
  }

  /**
   * The operation of a device that matches no enrollment: it fails with {@link #NO_ENROLLMENT}, and
   * no registration record is written.
   */
  Operations.Operation noEnrollment(String registrationId) {
    Instant now = config.clock().instant();
    Registration result =
        failed(
            registrationId,
            NO_ENROLLMENT,
            "No enrollment or enrollment group matches registration id '" + registrationId + "'");
    Operations.Operation op =
        state.operations.start(key(registrationId), now, now.plus(assignmentDelay), result);
    state.changed();
    return op;
  }

  private Registration failed(String registrationId, int code, String message) {
    String now = Json.now(config.clock());
    return new Registration(
        registrationId,
        now,
        null,
        null,
        "failed",
        null,
        code,
        message,
        now,
        Json.newRegistrationEtag(),
        null,
        null,
        List.of(),
        null,
        null);
  }

  /** Allocates (may call a webhook: the state monitor is not held) and writes the record. */
  private Registration assign(Registrations.Match match, String registrationId, JsonNode payload) {
    Registration previous;
    synchronized (state) {
      previous = state.registrations.get(key(registrationId));
    }
    Allocator.Outcome outcome =
        match.disabled()
            ? Allocator.Outcome.disabled(ENROLLMENT_DISABLED, "The enrollment is disabled")
            : allocator.allocate(
                match.enrollment(),
                match.group(),
                registrationId,
                previous,
                payload,
                match.runtimeAttestation());
    String now = Json.now(config.clock());
    List<String> history = new ArrayList<>(previous == null ? List.of() : previous.hubHistory());
    if (outcome.hub() != null
        && (history.isEmpty()
            || !history.get(history.size() - 1).equalsIgnoreCase(outcome.hub()))) {
      history.remove(outcome.hub());
      history.add(outcome.hub());
    }
    Registration registration =
        new Registration(
            previous != null ? previous.registrationId() : registrationId,
            previous != null ? previous.createdDateTimeUtc() : now,
            outcome.hub(),
            outcome.deviceId(),
            outcome.status(),
            outcome.substatus(),
            outcome.errorCode(),
            outcome.errorMessage(),
            now,
            Json.newRegistrationEtag(),
            outcome.payload(),
            match.groupId(),
            List.copyOf(history),
            match.attestationResult(),
            outcome.status().equals("assigned")
                ? outcome.initialTwin()
                : previous == null ? null : previous.initialTwin());
    synchronized (state) {
      state.registrations.put(key(registrationId), registration);
    }
    LOG.atInfo()
        .addKeyValue("registrationId", registrationId)
        .addKeyValue("status", registration.status())
        .addKeyValue("hub", registration.assignedHub())
        .addKeyValue("substatus", registration.substatus())
        .log("Registered device");
    return registration;
  }
}
