package io.dpsoperator.operator.connections;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.operator.sync.SyncFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a connection is checked against DPS: when it was not checked with its current spec
 * and client (a changed credential makes a new client), when the last check is older than the check
 * interval, or when the last check failed in a way that may pass; otherwise the last result stands,
 * so that a reconcile for another reason (a new user) costs no DPS call.
 */
public final class ConnectionChecks {
  private final Duration interval;
  private final Map<ConnectionKey, Check> checks = new ConcurrentHashMap<>();

  /** The last check of a connection: what it was checked with, when, and what it found. */
  private record Check(String fingerprint, Instant at, Optional<SyncFailure> failure) {}

  public ConnectionChecks(Duration interval) {
    this.interval = interval;
  }

  /** The result of a check of the connection, made now or taken from the last one. */
  public Optional<SyncFailure> check(
      ConnectionKey key, Long generation, DpsClient client, Instant now) {
    String fingerprint = generation + "|" + System.identityHashCode(client);
    Check last = checks.get(key);
    if (last != null
        && last.fingerprint().equals(fingerprint)
        && last.at().plus(interval).isAfter(now)
        && last.failure().map(f -> !f.isRetryable()).orElse(true)) {
      return last.failure();
    }
    Optional<SyncFailure> failure;
    try {
      ConnectionProbe.check(client);
      failure = Optional.empty();
    } catch (SyncFailure f) {
      failure = Optional.of(f);
    }
    checks.put(key, new Check(fingerprint, now, failure));
    return failure;
  }

  /** When DPS was last queried for the connection. */
  public Optional<Instant> lastCheck(ConnectionKey key) {
    return Optional.ofNullable(checks.get(key)).map(Check::at);
  }

  /** Forgets the last check (the connection failed before it could be checked, or is gone). */
  public void forget(ConnectionKey key) {
    checks.remove(key);
  }
}
