package io.dpsoperator.operator;

import io.dpsoperator.dps.InstrumentedDpsClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The DPS calls an operator made, counted from its DPS client's metrics. */
public final class DpsWrites {
  private DpsWrites() {}

  /** Calls that change DPS: creates, updates, deletes and bulk operations, any outcome. */
  public static long writes(MeterRegistry meters) {
    return count(meters, "createOrUpdate", "delete", "run");
  }

  /**
   * Reads of what DPS holds: inventory query pages (one sweep per resync interval) and reads of
   * single records.
   */
  public static long recordReads(MeterRegistry meters) {
    return count(
        meters,
        "queryIndividualEnrollments",
        "queryEnrollmentGroups",
        "getIndividualEnrollment",
        "getEnrollmentGroup");
  }

  private static long count(MeterRegistry meters, String... operationPrefixes) {
    long n = 0;
    for (Timer t : meters.find(InstrumentedDpsClient.REQUESTS).timers()) {
      String op = t.getId().getTag("operation");
      for (String prefix : operationPrefixes) {
        if (op != null && op.startsWith(prefix) && !op.endsWith("AttestationMechanism")) {
          n += t.count();
          break;
        }
      }
    }
    return n;
  }
}
