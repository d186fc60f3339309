package io.dpsoperator.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * A {@code kubectl get}-like table of both kinds: refreshed in place on a terminal that allows it,
 * printed again only when it changes otherwise.
 */
final class StatusTable {
  private static final String HEADER_FORMAT = "%-22s %-34s %-24s %-13s %-7s %-13s %-34s %s%n";

  /** One resource line. */
  record Row(
      String kind,
      String name,
      String id,
      String attestation,
      String ready,
      String reason,
      String deviceStatus,
      String assignedHub,
      Integer devices) {}

  private final PrintStream out;
  private final boolean live;
  private List<Row> last;
  private int linesDrawn;

  StatusTable(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  void render(List<Row> rows) {
    if (Objects.equals(rows, last)) {
      return;
    }
    last = rows;
    if (live && linesDrawn > 0) {
      out.print("\u001b[" + linesDrawn + "F\u001b[J");
    }
    out.printf(
        HEADER_FORMAT,
        "KIND",
        "NAME",
        "ID",
        "ATTESTATION",
        "READY",
        "DEVICE",
        "ASSIGNED HUB",
        "DEVICES");
    for (Row r : rows) {
      out.printf(
          HEADER_FORMAT,
          r.kind(),
          r.name(),
          r.id(),
          r.attestation(),
          r.ready(),
          dash(r.deviceStatus()),
          dash(r.assignedHub()),
          r.devices() == null ? "-" : r.devices());
    }
    if (!live) {
      out.println();
    }
    linesDrawn = rows.size() + 1;
    out.flush();
  }

  /** Other output was printed below the table: draw the next one afresh. */
  void detach() {
    linesDrawn = 0;
    last = null;
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
