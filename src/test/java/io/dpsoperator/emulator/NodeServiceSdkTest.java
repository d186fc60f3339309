package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Node service SDK ({@code azure-iot-provisioning-service} from npm) against the
 * emulator: it reads a group's keys at {@code /enrollmentgroups/{id}/attestationmechanism}, lower
 * case. {@code .ci/run} installs the SDK into {@code target/node-sdk}; without node or the SDK the
 * test is skipped. Like the Java service SDK it only talks to port 443, so the emulator listens on
 * 443 of a random loopback address.
 */
class NodeServiceSdkTest {
  static final Path SDK = Path.of(System.getProperty("node.sdk.dir", "target/node-sdk"));

  static final String SCRIPT =
      """
      const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');
      const client = ProvisioningServiceClient.fromConnectionString(process.env.DPS_CS);
      (async () => {
        const created = await client.createOrUpdateEnrollmentGroup(
            { enrollmentGroupId: 'node-group', attestation: { type: 'symmetricKey' } });
        const mechanism = await client.getEnrollmentGroupAttestationMechanism('node-group');
        const individual = await client.createOrUpdateIndividualEnrollment(
            { registrationId: 'node-dev', attestation: { type: 'symmetricKey' } });
        const keys = await client.getIndividualEnrollmentAttestationMechanism('node-dev');
        const group = await client.getEnrollmentGroup('node-group');
        // Keys are compared here and never printed.
        console.log(JSON.stringify({
          groupKeysMatch: created.responseBody.attestation.symmetricKey.primaryKey
              === mechanism.responseBody.symmetricKey.primaryKey,
          enrollmentKeysMatch: individual.responseBody.attestation.symmetricKey.primaryKey
              === keys.responseBody.symmetricKey.primaryKey,
          groupId: group.responseBody.enrollmentGroupId,
        }));
      })().catch((e) => { console.error('FAILED ' + e.message); process.exit(1); });
      """;

  @Test
  void theNodeServiceSdkReadsKeysThroughItsLowerCasePath(@TempDir Path dir) throws Exception {
    assumeTrue(
        Files.isDirectory(SDK.resolve("node_modules/azure-iot-provisioning-service")),
        "azure-iot-provisioning-service is not installed in " + SDK + " (.ci/run installs it)");
    String address =
        "127."
            + ThreadLocalRandom.current().nextInt(1, 255)
            + "."
            + ThreadLocalRandom.current().nextInt(1, 255)
            + ".9";
    DpsEmulator dps;
    try {
      dps =
          DpsEmulator.builder()
              .port(443)
              .bindAddress(address)
              .hostName(address)
              .adminPort(-1)
              .build()
              .start();
    } catch (RuntimeException e) {
      assumeTrue(false, "port 443 of " + address + " is not available: " + e.getMessage());
      return;
    }
    try (dps) {
      Path script = dir.resolve("node-sdk.js");
      Files.writeString(script, SCRIPT);
      Path ca = dir.resolve("ca.pem");
      Files.writeString(ca, dps.caCertificatePem());
      ProcessBuilder pb;
      try {
        pb = new ProcessBuilder("node", script.toString());
      } catch (RuntimeException e) {
        assumeTrue(false, "node is not available");
        return;
      }
      pb.environment().put("DPS_CS", dps.serviceConnectionString());
      pb.environment().put("NODE_EXTRA_CA_CERTS", ca.toString());
      pb.environment().put("NODE_PATH", SDK.toAbsolutePath().resolve("node_modules").toString());
      pb.redirectErrorStream(true);
      Process p;
      try {
        p = pb.start();
      } catch (java.io.IOException e) {
        assumeTrue(false, "node is not available: " + e.getMessage());
        return;
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(p.exitValue()).as(out).isZero();
      var json = TestClient.JSON.readTree(out.substring(out.lastIndexOf('{')));
      assertThat(json.get("groupKeysMatch").asBoolean()).as(out).isTrue();
      assertThat(json.get("enrollmentKeysMatch").asBoolean()).as(out).isTrue();
      assertThat(json.get("groupId").asText()).isEqualTo("node-group");
    }
  }
}
