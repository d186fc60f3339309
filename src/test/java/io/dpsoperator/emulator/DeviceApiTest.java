package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.TestClient.Resp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeviceApiTest {
  static final String HUB_A = "hub-a.azure-devices.net";
  static final String HUB_B = "hub-b.azure-devices.net";
  static final String HUB_C = "hub-c.azure-devices.net";
  static DpsEmulator dps;
  static TestClient client;
  static CertificateAuthority verifiedRoot;

  @BeforeAll
  static void start() {
    verifiedRoot = CertificateAuthority.createRoot("verified-root");
    dps =
        DpsEmulator.builder()
            .idScope("0ne0000DEV1")
            .linkedHub(HUB_A, 1)
            .linkedHub(HUB_B, 1)
            .linkedHub(HUB_C, 1)
            .verifiedCa("verified-root", verifiedRoot.certificatePem())
            .build()
            .start();
    client = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    dps.close();
  }

  static String put(String path, Map<String, Object> body) {
    Resp r = client.service("PUT", path, body, "If-Match", "*");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().toString();
  }

  static String primaryKey(String path) {
    return client
        .service("POST", path + "/attestationmechanism", "{}")
        .json()
        .at("/symmetricKey/primaryKey")
        .asText();
  }

  static String secondaryKey(String path) {
    return client
        .service("POST", path + "/attestationmechanism", "{}")
        .json()
        .at("/symmetricKey/secondaryKey")
        .asText();
  }

  @Test
  void individualSymmetricKeyDeviceRegisters() {
    put(
        "/enrollments/sym-dev-1",
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "deviceId",
            "the-device",
            "iotHubs",
            List.of(HUB_B)));
    String key = primaryKey("/enrollments/sym-dev-1");
    Resp first = client.register("sym-dev-1", key, null);
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.json().get("operationId").asText())
        .matches("\\d\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");
    assertThat(first.json().get("status").asText()).isEqualTo("assigning");
    assertThat(first.header("Retry-After")).isEqualTo("1");
    assertThat(first.header("Location")).endsWith("/0ne0000DEV1/registrations/sym-dev-1/register");

    Resp done = client.registerAndWait("sym-dev-1", key, null);
    assertThat(done.status()).isEqualTo(200);
    JsonNode state = done.json().get("registrationState");
    assertThat(done.json().get("status").asText()).isEqualTo("assigned");
    assertThat(state.get("registrationId").asText()).isEqualTo("sym-dev-1");
    assertThat(state.get("assignedHub").asText()).isEqualTo(HUB_B);
    assertThat(state.get("deviceId").asText()).isEqualTo("the-device");
    assertThat(state.get("substatus").asText()).isEqualTo("initialAssignment");
    assertThat(state.get("etag").asText()).isNotBlank();
    assertThat(state.get("createdDateTimeUtc").asText()).endsWith("Z");

    JsonNode enrollment = client.service("GET", "/enrollments/sym-dev-1", null).json();
    assertThat(enrollment.at("/registrationState/assignedHub").asText()).isEqualTo(HUB_B);
    assertThat(enrollment.at("/registrationState/status").asText()).isEqualTo("assigned");
    Resp query = client.service("POST", "/enrollments/query", Map.of("query", "SELECT *"));
    query.json().forEach(n -> assertThat(n.has("registrationState")).isFalse());
    assertThat(
            client.service("GET", "/registrations/sym-dev-1", null).json().get("deviceId").asText())
        .isEqualTo("the-device");

    String token =
        Sas.deviceToken(
            dps.idScope(), "sym-dev-1", key, Instant.now().plusSeconds(60).getEpochSecond());
    Resp lookup =
        client.device(
            "POST", "/registrations/sym-dev-1", token, Map.of("registrationId", "sym-dev-1"));
    assertThat(lookup.status()).isEqualTo(200);
    assertThat(lookup.json().get("assignedHub").asText()).isEqualTo(HUB_B);
    assertThat(
            client
                .device(
                    "GET",
                    "/registrations/sym-dev-1/operations/1.0000000000000000.nope",
                    token,
                    null)
                .status())
        .isEqualTo(404);

    // secondary key works too
    assertThat(
            client
                .registerAndWait("sym-dev-1", secondaryKey("/enrollments/sym-dev-1"), null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("assigned");
  }

  /** The final poll of a device that matches no enrollment. */
  static void assertNoEnrollment(Resp poll) {
    assertThat(poll.status()).as(poll.toString()).isEqualTo(200);
    assertThat(poll.json().get("status").asText()).isEqualTo("failed");
    assertThat(poll.json().at("/registrationState/errorCode").asInt()).isEqualTo(404201);
  }

  @Test
  void badDeviceCredentialsGive401() {
    put("/enrollments/sym-dev-bad", Map.of("attestation", Map.of("type", "symmetricKey")));
    String key = primaryKey("/enrollments/sym-dev-bad");
    String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(client.register("sym-dev-bad", otherKey, null).status()).isEqualTo(401);
    assertThat(client.register("sym-dev-bad", null, null).status()).isEqualTo(401);
    // No enrollment at all: the registration fails with 404201 (see NoEnrollmentTest).
    assertNoEnrollment(client.registerAndWait("nobody-enrolled", otherKey, null));
    long past = Instant.now().minusSeconds(10).getEpochSecond();
    assertThat(
            client
                .device(
                    "PUT",
                    "/registrations/sym-dev-bad/register",
                    Sas.deviceToken(dps.idScope(), "sym-dev-bad", key, past),
                    Map.of())
                .status())
        .isEqualTo(401);
    // token for another registration id
    String other =
        Sas.deviceToken(
            dps.idScope(), "sym-dev-other", key, Instant.now().plusSeconds(60).getEpochSecond());
    Resp r = client.device("PUT", "/registrations/sym-dev-bad/register", other, Map.of());
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("errorCode").asInt()).isEqualTo(401002);
    // wrong scope
    String token =
        Sas.deviceToken(
            "0ne99999999", "sym-dev-bad", key, Instant.now().plusSeconds(60).getEpochSecond());
    assertThat(
            client
                .call(
                    "PUT",
                    "/0ne99999999/registrations/sym-dev-bad/register?" + TestClient.API,
                    "{}",
                    "Authorization",
                    token)
                .status())
        .isEqualTo(401);
    // api-version is required on the device API too
    assertThat(
            client
                .call("PUT", "/" + dps.idScope() + "/registrations/sym-dev-bad/register", "{}")
                .status())
        .isEqualTo(400);
    // body id must match
    assertThat(
            client.register("sym-dev-bad", key, Map.of("registrationId", "someone-else")).status())
        .isEqualTo(400);
  }

  @Test
  void rawSrTokenOfTheJavaSdkIsAccepted() {
    put("/enrollments/sym-dev-raw", Map.of("attestation", Map.of("type", "symmetricKey")));
    String key = primaryKey("/enrollments/sym-dev-raw");
    long se = Instant.now().plusSeconds(60).getEpochSecond();
    String sr = dps.idScope() + "/registrations/sym-dev-raw";
    String token =
        "SharedAccessSignature sr="
            + sr
            + "&sig="
            + java.net.URLEncoder.encode(
                Sas.sign(key, sr + "\n" + se), java.nio.charset.StandardCharsets.UTF_8)
            + "&se="
            + se
            + "&skn=";
    assertThat(
            client
                .device(
                    "PUT",
                    "/registrations/sym-dev-raw/register",
                    token,
                    Map.of("registrationId", "sym-dev-raw"))
                .status())
        .isEqualTo(202);
  }

  @Test
  void groupDerivedKeysFromPrimaryAndSecondary() {
    put("/enrollmentGroups/sym-group", Map.of("attestation", Map.of("type", "symmetricKey")));
    String primary = primaryKey("/enrollmentGroups/sym-group");
    String secondary = secondaryKey("/enrollmentGroups/sym-group");
    Resp a =
        client.registerAndWait("grp-member-1", Sas.deriveDeviceKey(primary, "grp-member-1"), null);
    assertThat(a.json().get("status").asText()).as(a.body()).isEqualTo("assigned");
    assertThat(a.json().at("/registrationState/symmetricKey/enrollmentGroupId").asText())
        .isEqualTo("sym-group");
    assertThat(a.json().at("/registrationState/deviceId").asText()).isEqualTo("grp-member-1");
    Resp b =
        client.registerAndWait(
            "grp-member-2", Sas.deriveDeviceKey(secondary, "grp-member-2"), null);
    assertThat(b.json().get("status").asText()).isEqualTo("assigned");
    // a key derived for another id does not work
    assertNoEnrollment(
        client.registerAndWait("grp-member-3", Sas.deriveDeviceKey(primary, "grp-member-1"), null));

    Resp q =
        client.service(
            "POST",
            "/registrations/sym-group/query",
            Map.of("query", "SELECT *"),
            "x-ms-max-item-count",
            "1");
    assertThat(q.json().size()).isEqualTo(1);
    assertThat(q.header("x-ms-continuation")).isNotNull();
    Resp q2 =
        client.service(
            "POST",
            "/registrations/sym-group/query",
            Map.of("query", "SELECT *"),
            "x-ms-max-item-count",
            "1",
            "x-ms-continuation",
            q.header("x-ms-continuation"));
    assertThat(q2.json().get(0).get("registrationId").asText()).isEqualTo("grp-member-2");
    assertThat(q2.header("x-ms-continuation")).isNull();

    // registration delete: stale etag 412, current etag 204
    JsonNode reg = client.service("GET", "/registrations/grp-member-2", null).json();
    assertThat(
            client
                .service("DELETE", "/registrations/grp-member-2", null, "If-Match", "\"stale\"")
                .status())
        .isEqualTo(412);
    assertThat(
            client
                .service(
                    "DELETE",
                    "/registrations/grp-member-2",
                    null,
                    "If-Match",
                    reg.get("etag").asText())
                .status())
        .isEqualTo(204);
    assertThat(
            client
                .service("GET", "/registrations/grp-member-2", null)
                .json()
                .get("errorCode")
                .asInt())
        .isEqualTo(404202);
  }

  @Test
  void deletingAGroupKeepsItsRegistrations() {
    put("/enrollmentGroups/sym-group-del", Map.of("attestation", Map.of("type", "symmetricKey")));
    String primary = primaryKey("/enrollmentGroups/sym-group-del");
    client.registerAndWait("del-member", Sas.deriveDeviceKey(primary, "del-member"), null);
    assertThat(client.service("DELETE", "/enrollmentGroups/sym-group-del", null).status())
        .isEqualTo(204);
    assertThat(client.service("POST", "/registrations/sym-group-del/query", "{}").json().size())
        .isEqualTo(1);
    assertNoEnrollment(
        client.registerAndWait("del-member", Sas.deriveDeviceKey(primary, "del-member"), null));
  }

  @Test
  void disabledIndividualEnrollmentBlocksTheGroup() {
    put("/enrollmentGroups/prec-group", Map.of("attestation", Map.of("type", "symmetricKey")));
    String groupKey = primaryKey("/enrollmentGroups/prec-group");
    String deviceKey = Sas.deriveDeviceKey(groupKey, "prec-dev");
    put(
        "/enrollments/prec-dev",
        Map.of("attestation", Map.of("type", "symmetricKey"), "provisioningStatus", "disabled"));
    Resp blocked = client.registerAndWait("prec-dev", deviceKey, null);
    assertThat(blocked.status()).isEqualTo(200);
    assertThat(blocked.json().get("status").asText()).isEqualTo("disabled");
    assertThat(client.service("DELETE", "/enrollments/prec-dev", null).status()).isEqualTo(204);
    Resp ok = client.registerAndWait("prec-dev", deviceKey, null);
    assertThat(ok.json().get("status").asText()).isEqualTo("assigned");
    // an enabled individual enrollment wins: the group-derived key no longer works
    put("/enrollments/prec-dev", Map.of("attestation", Map.of("type", "symmetricKey")));
    assertThat(client.register("prec-dev", deviceKey, null).status()).isEqualTo(401);
    // a disabled group refuses its devices
    put(
        "/enrollmentGroups/disabled-group",
        Map.of("attestation", Map.of("type", "symmetricKey"), "provisioningStatus", "disabled"));
    String k = Sas.deriveDeviceKey(primaryKey("/enrollmentGroups/disabled-group"), "dis-dev");
    assertThat(client.registerAndWait("dis-dev", k, null).json().get("status").asText())
        .isEqualTo("disabled");
  }

  @Test
  void tpmKeysThatAreNotTpmPublicAreasAreABadRequest() {
    String ek = java.util.Base64.getEncoder().encodeToString(new byte[64]);
    put(
        "/enrollments/tpm-dev",
        Map.of("attestation", Map.of("type", "tpm", "tpm", Map.of("endorsementKey", ek))));
    Resp r =
        client.device(
            "PUT",
            "/registrations/tpm-dev/register",
            null,
            Map.of(
                "registrationId",
                "tpm-dev",
                "tpm",
                Map.of("endorsementKey", ek, "storageRootKey", ek)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText())
        .contains("tpm.endorsementKey")
        .contains("TPM2B_PUBLIC");

    // Without a challenge first, no SAS is accepted for a TPM enrollment.
    String someKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    Resp sas = client.register("tpm-dev", someKey, null);
    assertThat(sas.status()).isEqualTo(401);
    assertThat(sas.json().get("errorCode").asInt()).isEqualTo(401002);
  }

  @Test
  void x509IndividualDeviceRegistersByMutualTls() {
    CertificateAuthority root = CertificateAuthority.createRoot("device-root");
    CertificateAuthority.IssuedCertificate leaf = root.issueLeaf("x509-dev-1");
    put(
        "/enrollments/x509-dev-1",
        Map.of(
            "attestation",
            Map.of(
                "type",
                "x509",
                "x509",
                Map.of(
                    "clientCertificates",
                    Map.of("primary", Map.of("certificate", leaf.certificatePem())))),
            "iotHubs",
            List.of(HUB_C)));
    TestClient device = TestClient.withClientCertificate(dps, leaf, false);
    Resp done = device.registerAndWait("x509-dev-1", null, null);
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(done.json().get("status").asText()).isEqualTo("assigned");
    assertThat(done.json().at("/registrationState/assignedHub").asText()).isEqualTo(HUB_C);
    JsonNode info = done.json().at("/registrationState/x509/certificateInfo");
    for (String f :
        List.of(
            "subjectName",
            "sha1Thumbprint",
            "sha256Thumbprint",
            "issuerName",
            "notBeforeUtc",
            "notAfterUtc",
            "serialNumber",
            "version")) {
      assertThat(info.has(f)).as(f).isTrue();
    }
    assertThat(info.get("subjectName").asText()).isEqualTo("CN=x509-dev-1");
    // a different certificate with the same CN is refused
    CertificateAuthority.IssuedCertificate impostor = root.issueLeaf("x509-dev-1");
    assertThat(
            TestClient.withClientCertificate(dps, impostor, false)
                .register("x509-dev-1", null, null)
                .status())
        .isEqualTo(401);
    // the CN must be the registration id
    assertThat(device.register("x509-dev-other", null, null).status()).isEqualTo(401);
    // an expired certificate is refused
    CertificateAuthority.IssuedCertificate expired =
        root.issueLeaf(
            "x509-dev-exp", Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
    put(
        "/enrollments/x509-dev-exp",
        Map.of(
            "attestation",
            Map.of(
                "type",
                "x509",
                "x509",
                Map.of(
                    "clientCertificates",
                    Map.of("primary", Map.of("certificate", expired.certificatePem()))))));
    assertThat(
            TestClient.withClientCertificate(dps, expired, false)
                .register("x509-dev-exp", null, null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void x509GroupDeviceRegistersThroughItsChain() {
    CertificateAuthority root = CertificateAuthority.createRoot("group-root");
    CertificateAuthority intermediate = root.createIntermediate("group-intermediate");
    CertificateAuthority.IssuedCertificate leaf = intermediate.issueLeaf("x509-grp-dev");
    put(
        "/enrollmentGroups/x509-group",
        Map.of(
            "attestation",
            Map.of(
                "type",
                "x509",
                "x509",
                Map.of(
                    "signingCertificates",
                    Map.of("primary", Map.of("certificate", root.certificatePem()))))));
    // the device sends leaf + intermediate (not the root)
    Resp done =
        TestClient.withClientCertificate(dps, leaf, true)
            .registerAndWait("x509-grp-dev", null, null);
    assertThat(done.json().get("status").asText()).as(done.body()).isEqualTo("assigned");
    assertThat(done.json().at("/registrationState/x509/enrollmentGroupId").asText())
        .isEqualTo("x509-group");
    assertThat(
            done.json().at("/registrationState/x509/signingCertificateInfo/subjectName").asText())
        .isEqualTo("CN=group-root");
    assertThat(
            client
                .service("POST", "/registrations/x509-group/query", "{}")
                .json()
                .get(0)
                .get("registrationId")
                .asText())
        .isEqualTo("x509-grp-dev");
    // without the intermediate the chain does not reach the root
    CertificateAuthority.IssuedCertificate leaf2 = intermediate.issueLeaf("x509-grp-dev2");
    assertNoEnrollment(
        TestClient.withClientCertificate(dps, leaf2, false)
            .registerAndWait("x509-grp-dev2", null, null));
    // a certificate from an unknown CA
    CertificateAuthority stranger = CertificateAuthority.createRoot("stranger");
    assertNoEnrollment(
        TestClient.withClientCertificate(dps, stranger.issueLeaf("x509-stranger"), true)
            .registerAndWait("x509-stranger", null, null));
  }

  @Test
  void x509GroupWithCaReference() {
    put(
        "/enrollmentGroups/x509-ca-group",
        Map.of(
            "attestation",
            Map.of(
                "type",
                "x509",
                "x509",
                Map.of("caReferences", Map.of("primary", "verified-root")))));
    CertificateAuthority.IssuedCertificate leaf = verifiedRoot.issueLeaf("x509-ca-dev");
    Resp done =
        TestClient.withClientCertificate(dps, leaf, true)
            .registerAndWait("x509-ca-dev", null, null);
    assertThat(done.json().get("status").asText()).as(done.body()).isEqualTo("assigned");
    assertThat(done.json().at("/registrationState/x509/enrollmentGroupId").asText())
        .isEqualTo("x509-ca-group");
  }

  @Test
  void hashedAllocationIsWeightedAndDeterministic() throws Exception {
    try (DpsEmulator weighted =
        DpsEmulator.builder()
            .linkedHub("light.azure-devices.net", 1)
            .linkedHub("heavy.azure-devices.net", 1000)
            .build()
            .start()) {
      TestClient c = new TestClient(weighted);
      Resp g =
          c.service(
              "PUT", "/enrollmentGroups/w", Map.of("attestation", Map.of("type", "symmetricKey")));
      String key = g.json().at("/attestation/symmetricKey/primaryKey").asText();
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        String id = "w-dev-" + i;
        Resp r = c.registerAndWait(id, Sas.deriveDeviceKey(key, id), null);
        counts.merge(r.json().at("/registrationState/assignedHub").asText(), 1, Integer::sum);
      }
      assertThat(counts.getOrDefault("heavy.azure-devices.net", 0)).isGreaterThanOrEqualTo(19);
    }
    put(
        "/enrollmentGroups/hash-group",
        Map.of("attestation", Map.of("type", "symmetricKey"), "allocationPolicy", "hashed"));
    String key = primaryKey("/enrollmentGroups/hash-group");
    Set<String> hubs = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      String id = "hash-dev-" + i;
      String hub1 =
          client
              .registerAndWait(id, Sas.deriveDeviceKey(key, id), null)
              .json()
              .at("/registrationState/assignedHub")
              .asText();
      String hub2 =
          client
              .registerAndWait(id, Sas.deriveDeviceKey(key, id), null)
              .json()
              .at("/registrationState/assignedHub")
              .asText();
      assertThat(hub2).isEqualTo(hub1);
      hubs.add(hub1);
    }
    assertThat(hubs).hasSizeGreaterThan(1);
    // geoLatency behaves as hashed over the enrollment's hubs
    put(
        "/enrollmentGroups/geo-group",
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "allocationPolicy",
            "geoLatency",
            "iotHubs",
            List.of(HUB_A, HUB_C)));
    String geoKey = primaryKey("/enrollmentGroups/geo-group");
    for (int i = 0; i < 6; i++) {
      String id = "geo-dev-" + i;
      assertThat(
              client
                  .registerAndWait(id, Sas.deriveDeviceKey(geoKey, id), null)
                  .json()
                  .at("/registrationState/assignedHub")
                  .asText())
          .isIn(HUB_A, HUB_C);
    }
  }

  @Test
  void reprovisioningSetsTheSubstatus() {
    String path = "/enrollments/repro-dev";
    put(
        path,
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "allocationPolicy",
            "static",
            "iotHubs",
            List.of(HUB_A)));
    String key = primaryKey(path);
    JsonNode s = client.registerAndWait("repro-dev", key, null).json().get("registrationState");
    assertThat(s.get("assignedHub").asText()).isEqualTo(HUB_A);
    assertThat(s.get("substatus").asText()).isEqualTo("initialAssignment");

    put(
        path,
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "allocationPolicy",
            "static",
            "iotHubs",
            List.of(HUB_B)));
    s = client.registerAndWait("repro-dev", key, null).json().get("registrationState");
    assertThat(s.get("assignedHub").asText()).isEqualTo(HUB_B);
    assertThat(s.get("substatus").asText()).isEqualTo("deviceDataMigrated");

    put(
        path,
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "allocationPolicy",
            "static",
            "iotHubs",
            List.of(HUB_C),
            "reprovisionPolicy",
            Map.of("updateHubAssignment", true, "migrateDeviceData", false)));
    s = client.registerAndWait("repro-dev", key, null).json().get("registrationState");
    assertThat(s.get("assignedHub").asText()).isEqualTo(HUB_C);
    assertThat(s.get("substatus").asText()).isEqualTo("deviceDataReset");

    put(path, Map.of("attestation", Map.of("type", "symmetricKey"), "iotHubHostName", HUB_A));
    s = client.registerAndWait("repro-dev", key, null).json().get("registrationState");
    assertThat(s.get("assignedHub").asText()).isEqualTo(HUB_A);
    assertThat(s.get("substatus").asText()).isEqualTo("reprovisionedToInitialAssignment");

    put(
        path,
        Map.of(
            "attestation",
            Map.of("type", "symmetricKey"),
            "allocationPolicy",
            "static",
            "iotHubs",
            List.of(HUB_B),
            "reprovisionPolicy",
            Map.of("updateHubAssignment", false, "migrateDeviceData", false)));
    s = client.registerAndWait("repro-dev", key, null).json().get("registrationState");
    assertThat(s.get("assignedHub").asText()).isEqualTo(HUB_A);
  }

  @Test
  void payloadAsObjectOrString() {
    put("/enrollments/payload-dev", Map.of("attestation", Map.of("type", "symmetricKey")));
    String key = primaryKey("/enrollments/payload-dev");
    assertThat(
            client
                .registerAndWait(
                    "payload-dev",
                    key,
                    Map.of(
                        "registrationId", "payload-dev", "payload", Map.of("modelId", "dtmi:x;1")))
                .json()
                .get("status")
                .asText())
        .isEqualTo("assigned");
    assertThat(
            client
                .registerAndWait(
                    "payload-dev",
                    key,
                    Map.of(
                        "registrationId", "payload-dev", "payload", "{\"modelId\":\"dtmi:x;1\"}"))
                .json()
                .get("status")
                .asText())
        .isEqualTo("assigned");
    assertThat(
            Registrations.payload(TestClient.JSON.createObjectNode().put("payload", "{\"a\":1}"))
                .get("a")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void operationStaysAssigningDuringTheAssignmentDelay() {
    try (DpsEmulator slow =
        DpsEmulator.builder().assignmentDelay(Duration.ofMillis(700)).build().start()) {
      TestClient c = new TestClient(slow);
      String key =
          c.service(
                  "PUT",
                  "/enrollments/slow-dev",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      Resp first = c.register("slow-dev", key, null);
      String op = first.json().get("operationId").asText();
      String token =
          Sas.deviceToken(
              slow.idScope(), "slow-dev", key, Instant.now().plusSeconds(60).getEpochSecond());
      Resp poll = c.device("GET", "/registrations/slow-dev/operations/" + op, token, null);
      assertThat(poll.status()).isEqualTo(202);
      assertThat(poll.json().get("status").asText()).isEqualTo("assigning");
      assertThat(poll.header("Retry-After")).isEqualTo("1");
      Resp done = c.registerAndWait("slow-dev", key, null);
      assertThat(done.status()).isEqualTo(200);
      assertThat(done.json().at("/registrationState/assignedHub").asText())
          .isEqualTo(DpsEmulator.DEFAULT_HUB);
    }
  }
}
