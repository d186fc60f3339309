package io.dpsoperator.emulator;

import java.util.EnumSet;
import java.util.Set;

/** A right of a shared access policy of the emulated DPS instance, as named by Azure. */
public enum EmulatorRight {
  ENROLLMENT_READ("EnrollmentRead"),
  ENROLLMENT_WRITE("EnrollmentWrite"),
  REGISTRATION_STATUS_READ("RegistrationStatusRead"),
  REGISTRATION_STATUS_WRITE("RegistrationStatusWrite");

  private final String azureName;

  EmulatorRight(String azureName) {
    this.azureName = azureName;
  }

  /** The right's name in Azure (e.g. {@code EnrollmentRead}). */
  public String azureName() {
    return azureName;
  }

  /**
   * Parses rights written as Azure names or enum names, separated by commas or pipes; {@code all}
   * or {@code *} gives every right.
   */
  public static Set<EmulatorRight> parse(String text) {
    EnumSet<EmulatorRight> rights = EnumSet.noneOf(EmulatorRight.class);
    for (String part : text.split("[,|]")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equals("*") || p.equalsIgnoreCase("all")) {
        return EnumSet.allOf(EmulatorRight.class);
      }
      EmulatorRight found = null;
      for (EmulatorRight r : values()) {
        if (r.azureName.equalsIgnoreCase(p) || r.name().equalsIgnoreCase(p.replace('-', '_'))) {
          found = r;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "Unknown right '"
                + p
                + "' (expected one of EnrollmentRead, EnrollmentWrite,"
                + " RegistrationStatusRead, RegistrationStatusWrite, all)");
      }
      rights.add(found);
    }
    return rights;
  }

  @Override
  public String toString() {
    return azureName;
  }
}
