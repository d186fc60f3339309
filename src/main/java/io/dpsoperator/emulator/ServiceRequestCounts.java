package io.dpsoperator.emulator;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many service API requests a running emulator has answered, by kind: what a DPS instance
 * counts against its quota, and what a benchmark compares. Requests refused with 429 by the quota
 * are counted as {@link Kind#THROTTLED} only. Thread-safe.
 */
public final class ServiceRequestCounts {

  /** The kinds of service API request. */
  public enum Kind {
    /** GET of one record, or an attestation mechanism. */
    READ,
    /** PUT of one record. */
    WRITE,
    /** DELETE of one record. */
    DELETE,
    /** One page of a query (enrollments, groups or registration states). */
    QUERY,
    /** One bulk operation (up to 10 records). */
    BULK,
    /** Refused with 429 because the quota was spent. */
    THROTTLED
  }

  private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);

  ServiceRequestCounts() {
    for (Kind k : Kind.values()) {
      counts.put(k, new LongAdder());
    }
  }

  void record(Kind kind) {
    counts.get(kind).increment();
  }

  /** The kind of a service API request, from its method and path. */
  static Kind kindOf(String method, List<String> segments) {
    String last = segments.get(segments.size() - 1);
    return switch (method) {
      case "GET" -> Kind.READ;
      case "PUT" -> Kind.WRITE;
      case "DELETE" -> Kind.DELETE;
      default ->
          segments.size() == 1
              ? Kind.BULK
              : last.equalsIgnoreCase("query") ? Kind.QUERY : Kind.READ; // attestationmechanism
    };
  }

  /** The count of one kind since the emulator started. */
  public long get(Kind kind) {
    return counts.get(kind).sum();
  }

  /** The requests that passed the quota, all kinds but {@link Kind#THROTTLED}. */
  public long operations() {
    return counts.entrySet().stream()
        .filter(e -> e.getKey() != Kind.THROTTLED)
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  /** A copy of all counts. */
  public Map<Kind, Long> snapshot() {
    Map<Kind, Long> copy = new EnumMap<>(Kind.class);
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
