package io.dpsoperator.emulator;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The fixed settings of a running emulator, shared by its APIs. */
record EmulatorConfig(
    String idScope,
    List<LinkedHub> hubs,
    Map<String, Policy> policies,
    Map<String, X509Certificate> verifiedCas,
    Clock clock,
    String advertisedHost,
    Set<String> acceptedHosts) {

  EmulatorConfig {
    InstanceLimits.checkInstance(hubs.size(), verifiedCas.size());
  }

  /** A linked IoT hub and its allocation weight. */
  record LinkedHub(String hostName, int weight) {}

  /** A shared access policy; {@code key} is base64. */
  record Policy(String name, String key, Set<EmulatorRight> rights) {
    byte[] keyBytes() {
      return Base64.getDecoder().decode(key);
    }
  }

  List<String> hubNames() {
    return hubs.stream().map(LinkedHub::hostName).toList();
  }
}
