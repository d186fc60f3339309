package io.dpsoperator.emulator;

/** A DPS data-plane role of Microsoft Entra ID that the emulated tenant can assign to an app. */
public enum EntraRole {
  /** May read enrollments, groups and registration states (GET, query, attestation mechanism). */
  DATA_READER("Device Provisioning Service Data Reader"),
  /** May read and write everything the service API offers. */
  DATA_CONTRIBUTOR("Device Provisioning Service Data Contributor");

  private final String azureName;

  EntraRole(String azureName) {
    this.azureName = azureName;
  }

  /** The role's name in Azure, also the value in the access token's {@code roles} claim. */
  public String azureName() {
    return azureName;
  }

  /** Whether the role grants {@code right}. */
  boolean grants(EmulatorRight right) {
    return this == DATA_CONTRIBUTOR
        || right == EmulatorRight.ENROLLMENT_READ
        || right == EmulatorRight.REGISTRATION_STATUS_READ;
  }

  /**
   * Parses {@code Reader}, {@code Contributor}, the Azure name or the enum name (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static EntraRole parse(String text) {
    String t = text == null ? "" : text.trim();
    for (EntraRole r : values()) {
      if (r.azureName.equalsIgnoreCase(t)
          || r.name().equalsIgnoreCase(t)
          || r.name().substring("DATA_".length()).equalsIgnoreCase(t)
          || ("Data " + r.name().substring("DATA_".length())).equalsIgnoreCase(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "Unknown role '"
            + t
            + "' (expected Reader, Contributor, \"Device Provisioning Service Data Reader\" or"
            + " \"Device Provisioning Service Data Contributor\")");
  }

  @Override
  public String toString() {
    return azureName;
  }
}
