package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import io.dpsoperator.emulator.TestClient.Resp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tss.Tpm;

/**
 * DPS TPM attestation end to end over real HTTPS: the emulator's challenge against a software TPM
 * (swtpm) that the device side drives with TSS.Java, both through the official device client
 * (provisioning-device-client 2.1.3) and through raw register calls. Skipped when swtpm is not
 * installed.
 */
class TpmAttestationTest {
  private static final String HUB = "hub-tpm.azure-devices.net";

  private static Swtpm swtpm;
  private static DpsEmulator dps;
  private static TestClient client;
  private static Tpm tpm;
  private static SwtpmSecurityProvider device;

  @BeforeAll
  static void start() throws Exception {
    swtpm = Swtpm.start();
    dps = DpsEmulator.builder().linkedHub(HUB, 1).build().start();
    client = new TestClient(dps);
    tpm = SwtpmSecurityProvider.connect(swtpm);
    device = new SwtpmSecurityProvider(tpm, null, dps.clientSslContext());
  }

  @AfterAll
  static void stop() throws Exception {
    if (dps != null) {
      dps.close();
    }
    if (swtpm != null) {
      swtpm.close();
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static Resp enroll(String registrationId, String endorsementKey, String deviceId) {
    Resp r =
        client.service(
            "PUT",
            "/enrollments/" + registrationId,
            Map.of(
                "registrationId",
                registrationId,
                "deviceId",
                deviceId,
                "attestation",
                Map.of("type", "tpm", "tpm", Map.of("endorsementKey", endorsementKey))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r;
  }

  private static Map<String, Object> tpmBody(String registrationId, byte[] ek, byte[] srk) {
    return Map.of(
        "registrationId",
        registrationId,
        "tpm",
        Map.of("endorsementKey", b64(ek), "storageRootKey", b64(srk)));
  }

  /** A device SAS the way the Java SDK builds it for TPM: raw sr, signed in the TPM, skn empty. */
  private static String tpmSas(String registrationId) throws Exception {
    String sr = dps.idScope() + "/registrations/" + registrationId;
    long se = Instant.now().plusSeconds(3600).getEpochSecond();
    byte[] sig = device.signWithIdentity((sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + URLEncoder.encode(b64(sig), StandardCharsets.UTF_8)
        + "&se="
        + se
        + "&skn=";
  }

  private static ProvisioningDeviceClientRegistrationResult registerWithSdk() throws Exception {
    ProvisioningDeviceClient sdk =
        ProvisioningDeviceClient.create(
            dps.deviceEndpoint(),
            dps.idScope(),
            ProvisioningDeviceClientTransportProtocol.HTTPS,
            device);
    try {
      return sdk.registerDeviceSync(60);
    } finally {
      sdk.close();
    }
  }

  @Test
  void officialDeviceClientRegistersATpmDevice() throws Exception {
    String registrationId = device.getRegistrationId(); // the SDK's default: from the EK
    enroll(registrationId, b64(device.getEndorsementKey()), "tpm-sdk-device");

    ProvisioningDeviceClientRegistrationResult result = registerWithSdk();

    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getRegistrationId()).isEqualTo(registrationId);
    assertThat(result.getDeviceId()).isEqualTo("tpm-sdk-device");
    assertThat(result.getIothubUri()).isEqualTo(HUB);
    assertThat(device.decryptedExtraData())
        .isEqualTo(dps.idScope().getBytes(StandardCharsets.UTF_8));
    JsonNode state = client.service("GET", "/registrations/" + registrationId, null).json();
    assertThat(state.get("status").asText()).isEqualTo("assigned");
    assertThat(state.get("deviceId").asText()).isEqualTo("tpm-sdk-device");
  }

  @Test
  void challengeThenSasSignedInTheTpmAssignsTheDevice() throws Exception {
    String id = "tpm-raw-device";
    enroll(id, b64(device.getEndorsementKey()), "tpm-raw");
    Resp challenge =
        client.register(
            id, null, tpmBody(id, device.getEndorsementKey(), device.getStorageRootKey()));
    assertThat(challenge.status()).as(challenge.toString()).isEqualTo(401);
    String authenticationKey = challenge.json().get("authenticationKey").asText();
    assertThat(challenge.json().get("keyName").asText()).isEqualTo("registration");

    device.activateIdentityKey(Base64.getDecoder().decode(authenticationKey));
    String sas = tpmSas(id);
    Resp registered =
        client.device(
            "PUT",
            "/registrations/" + id + "/register",
            sas,
            tpmBody(id, device.getEndorsementKey(), device.getStorageRootKey()));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(202);

    String op = registered.json().get("operationId").asText();
    Resp[] last = new Resp[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] =
                  client.device("GET", "/registrations/" + id + "/operations/" + op, sas, null);
              return last[0].status() != 202;
            });
    JsonNode state = last[0].json().get("registrationState");
    assertThat(last[0].json().get("status").asText()).isEqualTo("assigned");
    assertThat(state.get("deviceId").asText()).isEqualTo("tpm-raw");
    assertThat(state.get("assignedHub").asText()).isEqualTo(HUB);
    assertThat(state.at("/tpm/authenticationKey").asText()).isEqualTo(authenticationKey);

    // The status lookup accepts the same key; a token with a changed signature does not.
    assertThat(
            client
                .device("POST", "/registrations/" + id, sas, Map.of("registrationId", id))
                .status())
        .isEqualTo(200);
    String tampered = sas.replaceFirst("sig=.", "sig=" + (sas.contains("sig=A") ? "B" : "A"));
    Resp refused =
        client.device(
            "PUT",
            "/registrations/" + id + "/register",
            tampered,
            tpmBody(id, device.getEndorsementKey(), device.getStorageRootKey()));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("errorCode").asInt()).isEqualTo(401002);
    assertThat(refused.json().has("authenticationKey")).isFalse();
  }

  @Test
  void aDisabledTpmEnrollmentAnswersTheChallengeThenDisabled() throws Exception {
    String id = "tpm-disabled";
    Resp created =
        client.service(
            "PUT",
            "/enrollments/" + id,
            Map.of(
                "provisioningStatus",
                "disabled",
                "attestation",
                Map.of(
                    "type",
                    "tpm",
                    "tpm",
                    Map.of("endorsementKey", b64(device.getEndorsementKey())))));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    Map<String, Object> body = tpmBody(id, device.getEndorsementKey(), device.getStorageRootKey());
    Resp challenge = client.register(id, null, body);
    assertThat(challenge.status()).isEqualTo(401);
    device.activateIdentityKey(
        Base64.getDecoder().decode(challenge.json().get("authenticationKey").asText()));
    String sas = tpmSas(id);
    Resp registered = client.device("PUT", "/registrations/" + id + "/register", sas, body);
    assertThat(registered.status()).as(registered.toString()).isEqualTo(202);
    String op = registered.json().get("operationId").asText();
    Resp[] last = new Resp[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] =
                  client.device("GET", "/registrations/" + id + "/operations/" + op, sas, null);
              return last[0].status() != 202;
            });
    assertThat(last[0].json().get("status").asText()).isEqualTo("disabled");
  }

  @Test
  void anEndorsementKeyThatIsNotEnrolledGetsNoChallenge() throws Exception {
    String id = "tpm-other-ek";
    // a valid TPM public area, but another key: the device's SRK
    enroll(id, b64(device.getStorageRootKey()), "tpm-other");
    Resp r =
        client.register(
            id, null, tpmBody(id, device.getEndorsementKey(), device.getStorageRootKey()));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("x-ms-error-code")).isEqualTo("401002");
    assertThat(r.json().get("errorCode").asInt()).isEqualTo(401002);
    assertThat(r.json().get("message").asText()).isEqualTo("Unauthorized");
    assertThat(r.json().hasNonNull("trackingId")).isTrue();
    assertThat(r.json().hasNonNull("timestampUtc")).isTrue();
    assertThat(r.json().has("authenticationKey")).isFalse();

    // The right EK, but the enrollment names another storage root key.
    String srkId = "tpm-other-srk";
    assertThat(
            client
                .service(
                    "PUT",
                    "/enrollments/" + srkId,
                    Map.of(
                        "attestation",
                        Map.of(
                            "type",
                            "tpm",
                            "tpm",
                            Map.of(
                                "endorsementKey",
                                b64(device.getEndorsementKey()),
                                "storageRootKey",
                                b64(device.getEndorsementKey())))))
                .status())
        .isEqualTo(200);
    Resp otherSrk =
        client.register(
            srkId, null, tpmBody(srkId, device.getEndorsementKey(), device.getStorageRootKey()));
    assertThat(otherSrk.status()).isEqualTo(401);
    assertThat(otherSrk.json().has("authenticationKey")).isFalse();

    Resp unknown =
        client.register(
            "tpm-not-enrolled",
            null,
            tpmBody("tpm-not-enrolled", device.getEndorsementKey(), device.getStorageRootKey()));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().has("authenticationKey")).isFalse();
  }

  @Test
  void aMalformedEndorsementKeyIsABadRequest() {
    String id = "tpm-bad-ek";
    Resp r =
        client.register(
            id,
            null,
            Map.of(
                "registrationId",
                id,
                "tpm",
                Map.of(
                    "endorsementKey", b64(new byte[] {0, 3, 1, 2, 3}), "storageRootKey", "AAA=")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("tpm.endorsementKey");
  }

  @Test
  void theOfficialClientFailsWhenTheEnrollmentHoldsAnotherKey() throws Exception {
    SwtpmSecurityProvider other =
        new SwtpmSecurityProvider(tpm, "tpm-sdk-mismatch", dps.clientSslContext());
    enroll("tpm-sdk-mismatch", b64(other.getStorageRootKey()), "tpm-mismatch");
    assertThatThrownBy(
            () -> {
              ProvisioningDeviceClient sdk =
                  ProvisioningDeviceClient.create(
                      dps.deviceEndpoint(),
                      dps.idScope(),
                      ProvisioningDeviceClientTransportProtocol.HTTPS,
                      other);
              try {
                sdk.registerDeviceSync(30);
              } finally {
                sdk.close();
              }
            })
        .isInstanceOf(ProvisioningDeviceClientException.class);
  }
}
