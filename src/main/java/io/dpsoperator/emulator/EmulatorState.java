package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The emulated instance's records, keyed by lower-cased id. Callers hold the monitor of this object
 * ({@code synchronized (state)}) for every read and write and call {@link #changed()} after a
 * write.
 */
final class EmulatorState {
  // Sorted by key: query pages are cursors over the key order.
  final java.util.NavigableMap<String, ObjectNode> enrollments = new java.util.TreeMap<>();
  final java.util.NavigableMap<String, ObjectNode> groups = new java.util.TreeMap<>();
  final Map<String, Registration> registrations = new HashMap<>();

  /** Register operations by id; thread-safe on its own (no monitor needed). */
  final Operations operations = new Operations();

  private volatile Runnable listener = () -> {};

  void onChange(Runnable listener) {
    this.listener = listener;
  }

  void changed() {
    listener.run();
  }

  /** A JSON snapshot of everything; the caller holds the monitor. */
  ObjectNode snapshot() {
    ObjectNode root = Json.object();
    root.put("version", 1);
    ArrayNode e = root.putArray("enrollments");
    enrollments.values().forEach(v -> e.add(v.deepCopy()));
    ArrayNode g = root.putArray("enrollmentGroups");
    groups.values().forEach(v -> g.add(v.deepCopy()));
    ArrayNode r = root.putArray("registrations");
    registrations.values().forEach(v -> r.add(Json.MAPPER.valueToTree(v)));
    root.set("operations", operations.snapshot());
    return root;
  }

  /** Replaces everything with a snapshot; the caller holds the monitor. */
  void restore(JsonNode root) throws java.io.IOException {
    enrollments.clear();
    groups.clear();
    registrations.clear();
    for (JsonNode n : root.path("enrollments")) {
      enrollments.put(
          EnrollmentCodec.key(n.get(EnrollmentCodec.REGISTRATION_ID).asText()), (ObjectNode) n);
    }
    for (JsonNode n : root.path("enrollmentGroups")) {
      groups.put(EnrollmentCodec.key(n.get(EnrollmentCodec.GROUP_ID).asText()), (ObjectNode) n);
    }
    for (JsonNode n : root.path("registrations")) {
      Registration reg = Json.MAPPER.treeToValue(n, Registration.class);
      registrations.put(EnrollmentCodec.key(reg.registrationId()), reg);
    }
    operations.restore(root.path("operations"));
  }
}
