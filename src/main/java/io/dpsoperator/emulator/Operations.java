package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The operations of register calls, by operation id: what a poll answers. Part of the persisted
 * state, so an operation id returned before a restart can be polled after it. Operations expire
 * after {@link #TTL}, and the oldest go first beyond {@link #MAX}.
 */
final class Operations {
  static final Duration TTL = Duration.ofMinutes(30);
  static final int MAX = 100_000;

  /**
   * One register call's operation.
   *
   * @param result the registration it reported, or null while the assignment runs
   * @param readyAt before this, polls answer "assigning" (the emulator's assignment delay)
   */
  record Operation(
      String id, String registrationKey, Instant createdAt, Instant readyAt, Registration result) {
    boolean assigning(Instant now) {
      return result == null || now.isBefore(readyAt);
    }
  }

  private final Map<String, Operation> byId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> byAge = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private final ReentrantLock sweeping = new ReentrantLock();

  /** Starts an operation; {@code result} may be null (assignment still running). */
  Operation start(String registrationKey, Instant now, Instant readyAt, Registration result) {
    expire(now);
    byte[] b = new byte[8];
    random.nextBytes(b);
    // The shape DPS uses: <digit>.<16 hex>.<guid>
    String id = "1." + HexFormat.of().formatHex(b) + "." + UUID.randomUUID();
    Operation op = new Operation(id, registrationKey, now, readyAt, result);
    add(op);
    return op;
  }

  /** Sets the result of a running operation. */
  void complete(String id, Registration result) {
    byId.computeIfPresent(
        id,
        (k, op) ->
            new Operation(op.id(), op.registrationKey(), op.createdAt(), op.readyAt(), result));
  }

  Operation get(String id) {
    return byId.get(id);
  }

  int size() {
    return size.get();
  }

  private void add(Operation op) {
    if (byId.put(op.id(), op) == null) {
      byAge.add(op.id());
      size.incrementAndGet();
    }
  }

  /**
   * Drops the operations older than the TTL and the oldest beyond the maximum; O(1) amortised. One
   * thread sweeps at a time (the others skip), so the peeked head is the one removed.
   */
  void expire(Instant now) {
    if (!sweeping.tryLock()) {
      return;
    }
    try {
      Instant limit = now.minus(TTL);
      String oldest;
      while ((oldest = byAge.peek()) != null) {
        Operation op = byId.get(oldest);
        if (op != null && size.get() <= MAX && !op.createdAt().isBefore(limit)) {
          return;
        }
        byAge.poll();
        if (op != null && byId.remove(oldest) != null) {
          size.decrementAndGet();
        }
      }
    } finally {
      sweeping.unlock();
    }
  }

  /** The operations as JSON, oldest first; a running one is written without its result. */
  ArrayNode snapshot() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (String id : byAge) {
      Operation op = byId.get(id);
      if (op == null) {
        continue;
      }
      ObjectNode o = out.addObject();
      o.put("id", op.id());
      o.put("registrationKey", op.registrationKey());
      o.put("createdAt", op.createdAt().toEpochMilli());
      o.put("readyAt", op.readyAt().toEpochMilli());
      if (op.result() != null) {
        o.set("result", Json.MAPPER.valueToTree(op.result()));
      }
    }
    return out;
  }

  /**
   * Replaces the operations with a snapshot's (expired ones go with the next start). An operation
   * that was still running when the snapshot was taken cannot finish any more: it fails, and the
   * device registers again.
   */
  void restore(JsonNode snapshot) throws IOException {
    byId.clear();
    byAge.clear();
    size.set(0);
    for (JsonNode o : snapshot) {
      Instant created = Instant.ofEpochMilli(o.get("createdAt").asLong());
      Registration result =
          o.hasNonNull("result")
              ? Json.MAPPER.treeToValue(o.get("result"), Registration.class)
              : interrupted(o.get("registrationKey").asText(), created);
      add(
          new Operation(
              o.get("id").asText(),
              o.get("registrationKey").asText(),
              created,
              Instant.ofEpochMilli(o.get("readyAt").asLong()),
              result));
    }
  }

  private static Registration interrupted(String registrationKey, Instant at) {
    String time = Json.time(at);
    return new Registration(
        registrationKey,
        time,
        null,
        null,
        "failed",
        null,
        500001,
        "The DPS emulator restarted during the assignment; register again",
        time,
        Json.newRegistrationEtag(),
        null,
        null,
        java.util.List.of(),
        null,
        null);
  }
}
