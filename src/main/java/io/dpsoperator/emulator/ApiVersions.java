package io.dpsoperator.emulator;

import java.util.List;
import java.util.Locale;

/**
 * The {@code api-version} values the emulator accepts: the data-plane versions DPS has published
 * and the official SDKs send. Anything else is refused, as DPS refuses a version it does not know.
 */
final class ApiVersions {
  /**
   * Published DPS data-plane versions. The Java SDKs (service 2.0.3, device 2.1.3), the .NET v1
   * SDKs, Python's device SDK and the Node SDKs send 2019-03-31; the C SDKs 2021-06-01 (older ones
   * 2018-11-01 or 2019-01-15); Python's service SDK and the REST reference 2021-10-01; the .NET v2
   * device client 2021-11-01-preview.
   */
  static final List<String> KNOWN =
      List.of(
          "2017-08-31-preview",
          "2017-11-15",
          "2018-04-01",
          "2018-09-01-preview",
          "2018-11-01",
          "2019-01-15",
          "2019-03-31",
          "2021-06-01",
          "2021-10-01",
          "2021-11-01-preview",
          "2025-07-01-preview",
          "2026-04-01");

  private ApiVersions() {}

  /** Refuses a missing or unknown version with 400 and a message naming the supported ones. */
  static void check(String version) {
    if (version == null || version.isBlank()) {
      throw ApiException.badRequest(
          "The api-version query parameter is required; supported versions: "
              + String.join(", ", KNOWN));
    }
    if (!KNOWN.contains(version.trim().toLowerCase(Locale.ROOT))) {
      throw ApiException.badRequest(
          "Unsupported api-version '"
              + version
              + "'; supported versions: "
              + String.join(", ", KNOWN));
    }
  }
}
