package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.TestClient.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DPS instance's documented limits and shapes over HTTPS: case-insensitive paths, known
 * api-versions, group quotas, the record size, CA references, the instance's CA and hub counts.
 */
class ServiceLimitsTest {
  static CertificateAuthority root;
  static DpsEmulator dps;
  static TestClient client;

  @BeforeAll
  static void start() {
    root = CertificateAuthority.createRoot("limits-root");
    dps =
        DpsEmulator.builder()
            .verifiedCa("Fleet-Root", root.certificatePem())
            .adminPort(-1)
            .build()
            .start();
    client = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    dps.close();
  }

  static Map<String, Object> symmetricGroup(String id) {
    return Map.of("enrollmentGroupId", id, "attestation", Map.of("type", "symmetricKey"));
  }

  static Map<String, Object> x509Group(String id, String pem) {
    return Map.of(
        "enrollmentGroupId",
        id,
        "attestation",
        Map.of(
            "type",
            "x509",
            "x509",
            Map.of("signingCertificates", Map.of("primary", Map.of("certificate", pem)))));
  }

  @Test
  void pathsAreMatchedCaseInsensitively() {
    Resp created =
        client.service("PUT", "/enrollmentGroups/case-group", symmetricGroup("case-group"));
    assertThat(created.status()).isEqualTo(200);
    String key = created.json().at("/attestation/symmetricKey/primaryKey").asText();

    // The exact path the Node service SDK (azure-iot-provisioning-service) calls.
    Resp node = client.service("POST", "/enrollmentgroups/case-group/attestationmechanism", "{}");
    assertThat(node.status()).as(node.toString()).isEqualTo(200);
    assertThat(node.json().at("/symmetricKey/primaryKey").asText()).isEqualTo(key);

    assertThat(client.service("GET", "/ENROLLMENTGROUPS/case-group", null).status()).isEqualTo(200);
    assertThat(
            client
                .service("POST", "/EnrollmentGroups/QUERY", Map.of("query", "SELECT *"))
                .json()
                .size())
        .isPositive();
    assertThat(
            client
                .service("POST", "/Registrations/case-group/Query", Map.of("query", "SELECT *"))
                .status())
        .isEqualTo(200);
    assertThat(client.service("GET", "/Enrollments/nobody", null).json().get("errorCode").asInt())
        .isEqualTo(404201);

    // The device API too.
    String deviceKey = Sas.deriveDeviceKey(key, "case-device");
    String token =
        Sas.deviceToken(
            dps.idScope(),
            "case-device",
            deviceKey,
            java.time.Instant.now().getEpochSecond() + 600);
    Resp register =
        client.call(
            "PUT",
            "/" + dps.idScope() + "/REGISTRATIONS/case-device/Register?" + TestClient.API,
            Map.of("registrationId", "case-device"),
            "Authorization",
            token);
    assertThat(register.status()).as(register.toString()).isEqualTo(202);
    assertThat(client.service("DELETE", "/enrollmentgroups/case-group", null).status())
        .isEqualTo(204);
  }

  @Test
  void onlyKnownApiVersionsAreAccepted() {
    String token = client.serviceToken();
    for (String v : ApiVersions.KNOWN) {
      Resp r =
          client.call("GET", "/enrollments/none?api-version=" + v, null, "Authorization", token);
      assertThat(r.status()).as(v).isEqualTo(404);
    }
    for (String v : List.of("2020-01-01", "2021-10-01-preview", "2099-12-31", "banana", "")) {
      Resp r =
          client.call("GET", "/enrollments/none?api-version=" + v, null, "Authorization", token);
      assertThat(r.status()).as(v).isEqualTo(400);
      assertThat(r.json().get("errorCode").asInt()).isEqualTo(400001);
      assertThat(r.json().get("message").asText()).contains("2021-10-01", "2019-03-31");
    }
    Resp device =
        client.call(
            "PUT",
            "/" + dps.idScope() + "/registrations/x/register?api-version=2020-01-01",
            Map.of("registrationId", "x"));
    assertThat(device.status()).isEqualTo(400);
  }

  @Test
  void caReferencesMustNameAVerifiedCa() {
    Resp unknown =
        client.service(
            "PUT",
            "/enrollmentGroups/ca-unknown",
            Map.of(
                "enrollmentGroupId",
                "ca-unknown",
                "attestation",
                Map.of(
                    "type",
                    "x509",
                    "x509",
                    Map.of("caReferences", Map.of("primary", "no-such-ca")))));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("message").asText())
        .contains("caReferences.primary", "no-such-ca", "Fleet-Root");

    Resp badSecondary =
        client.service(
            "PUT",
            "/enrollmentGroups/ca-unknown",
            Map.of(
                "enrollmentGroupId",
                "ca-unknown",
                "attestation",
                Map.of(
                    "type",
                    "x509",
                    "x509",
                    Map.of(
                        "caReferences", Map.of("primary", "fleet-root", "secondary", "other")))));
    assertThat(badSecondary.status()).isEqualTo(400);
    assertThat(badSecondary.json().get("message").asText()).contains("caReferences.secondary");

    Resp known =
        client.service(
            "PUT",
            "/enrollmentGroups/ca-known",
            Map.of(
                "enrollmentGroupId",
                "ca-known",
                "attestation",
                Map.of(
                    "type",
                    "x509",
                    "x509",
                    Map.of("caReferences", Map.of("primary", "fleet-root")))));
    assertThat(known.status()).as(known.toString()).isEqualTo(200);
    assertThat(client.service("DELETE", "/enrollmentGroups/ca-known", null).status())
        .isEqualTo(204);
  }

  @Test
  void aRecordOver96KbIsRefused() {
    Map<String, Object> fits = withTag("size-fits", InstanceLimits.MAX_RECORD_BYTES - 1024);
    Resp ok = client.service("PUT", "/enrollments/size-fits", fits);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);

    Resp tooLarge =
        client.service(
            "PUT",
            "/enrollments/size-large",
            withTag("size-large", InstanceLimits.MAX_RECORD_BYTES + 1));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().get("errorCode").asInt()).isEqualTo(413001);
    assertThat(tooLarge.json().get("message").asText()).contains("size-large", "96 KB");
    assertThat(client.service("GET", "/enrollments/size-large", null).status()).isEqualTo(404);

    // In a bulk call the large item fails alone.
    Resp bulk =
        client.service(
            "POST",
            "/enrollments",
            Map.of(
                "mode",
                "create",
                "enrollments",
                List.of(
                    withTag("bulk-large", InstanceLimits.MAX_RECORD_BYTES + 1),
                    withTag("bulk-small", 10))));
    assertThat(bulk.status()).isEqualTo(200);
    JsonNode errors = bulk.json().get("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).get("registrationId").asText()).isEqualTo("bulk-large");
    assertThat(errors.get(0).get("errorCode").asInt()).isEqualTo(413001);
    assertThat(client.service("GET", "/enrollments/bulk-small", null).status()).isEqualTo(200);
  }

  /** An enrollment whose JSON is about {@code bytes} long, padded with a twin tag. */
  static Map<String, Object> withTag(String id, int bytes) {
    Map<String, Object> base =
        Map.of("registrationId", id, "attestation", Map.of("type", "symmetricKey"));
    int overhead;
    try {
      overhead =
          TestClient.JSON.writeValueAsBytes(
                  Map.of(
                      "registrationId",
                      id,
                      "attestation",
                      Map.of("type", "symmetricKey"),
                      "initialTwin",
                      Map.of("tags", Map.of("pad", ""))))
              .length;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>(base);
    out.put(
        "initialTwin", Map.of("tags", Map.of("pad", "x".repeat(Math.max(0, bytes - overhead)))));
    return out;
  }

  @Test
  void groupsAreLimitedTo100PerAttestationType() {
    try (DpsEmulator own = DpsEmulator.builder().adminPort(-1).build().start()) {
      TestClient c = new TestClient(own);
      String pem = root.certificatePem();
      for (int batch = 0; batch < 10; batch++) {
        List<Object> symmetric = new ArrayList<>();
        List<Object> x509 = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          symmetric.add(symmetricGroup("sym-" + (batch * 10 + i)));
          x509.add(x509Group("x509-" + (batch * 10 + i), pem));
        }
        for (Object items : List.of(symmetric, x509)) {
          Resp r =
              c.service(
                  "POST", "/enrollmentGroups", Map.of("mode", "create", "enrollmentGroups", items));
          assertThat(r.json().get("isSuccessful").asBoolean()).as(r.toString()).isTrue();
        }
      }
      Resp sym = c.service("PUT", "/enrollmentGroups/sym-100", symmetricGroup("sym-100"));
      assertThat(sym.status()).isEqualTo(403);
      assertThat(sym.json().get("errorCode").asInt()).isEqualTo(403002);
      assertThat(sym.json().get("message").asText()).contains("100", "symmetric key", "sym-100");
      Resp x = c.service("PUT", "/enrollmentGroups/x509-100", x509Group("x509-100", pem));
      assertThat(x.status()).isEqualTo(403);
      assertThat(x.json().get("message").asText()).contains("X.509");

      // Changing a group's type is a new group of the other type; updating one in place is not.
      Resp retype =
          c.service("PUT", "/enrollmentGroups/x509-0", symmetricGroup("x509-0"), "If-Match", "*");
      assertThat(retype.status()).isEqualTo(403);
      Resp update =
          c.service("PUT", "/enrollmentGroups/sym-0", symmetricGroup("sym-0"), "If-Match", "*");
      assertThat(update.status()).isEqualTo(200);

      // In a bulk call the item over the quota fails alone.
      Resp bulk =
          c.service(
              "POST",
              "/enrollmentGroups",
              Map.of(
                  "mode",
                  "update",
                  "enrollmentGroups",
                  List.of(symmetricGroup("sym-1"), symmetricGroup("sym-101"))));
      assertThat(bulk.json().get("errors")).hasSize(1);
      assertThat(bulk.json().at("/errors/0/enrollmentGroupId").asText()).isEqualTo("sym-101");
      assertThat(bulk.json().at("/errors/0/errorCode").asInt()).isEqualTo(403002);

      // Deleting one makes room.
      assertThat(c.service("DELETE", "/enrollmentGroups/sym-5", null).status()).isEqualTo(204);
      assertThat(c.service("PUT", "/enrollmentGroups/sym-100", symmetricGroup("sym-100")).status())
          .isEqualTo(200);
    }
  }

  @Test
  void anInstanceHasAtMost50LinkedHubsAnd25Cas() {
    DpsEmulator.Builder hubs = DpsEmulator.builder().adminPort(-1);
    for (int i = 0; i < 51; i++) {
      hubs.linkedHub("hub-" + i + ".azure-devices.net", 1);
    }
    assertThatThrownBy(() -> hubs.build().start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 50 IoT hubs");

    DpsEmulator.Builder cas = DpsEmulator.builder().adminPort(-1);
    for (int i = 0; i < 26; i++) {
      cas.verifiedCa("ca-" + i, root.certificatePem());
    }
    assertThatThrownBy(() -> cas.build().start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 25 CA certificates");

    DpsEmulator.Builder atLimit = DpsEmulator.builder().adminPort(-1);
    for (int i = 0; i < 50; i++) {
      atLimit.linkedHub("hub-" + i + ".azure-devices.net", 1);
    }
    for (int i = 0; i < 25; i++) {
      atLimit.verifiedCa("ca-" + i, root.certificatePem());
    }
    try (DpsEmulator ok = atLimit.build().start()) {
      assertThat(ok.port()).isPositive();
    }
  }
}
