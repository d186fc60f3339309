package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import io.dpsoperator.emulator.TestClient.Resp;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official Java device SDK (provisioning-device-client 2.1.3), unchanged, registering over
 * MQTT, AMQP and both over WebSockets. The SDK connects to port 8883 (MQTT), 5671 (AMQP) or 443
 * (WebSockets) of the host it is given, so the emulator listens on those ports of a random loopback
 * alias (127.x.y.z; Linux routes all of 127/8 to loopback) that other test runs do not share, and
 * that address is the host name its certificate names.
 */
class OfficialSdkDeviceTransportsTest {
  private static DpsEmulator dps;
  private static TestClient service;

  /** Starts an emulator on 8883 of a free loopback alias; skips the test if none is free. */
  static DpsEmulator startOnLoopbackAlias(UnaryOperator<DpsEmulator.Builder> settings) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String ip = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(2, 255);
      try {
        return settings
            .apply(
                DpsEmulator.builder()
                    .hostName(ip)
                    .bindAddress(ip)
                    .port(443)
                    .mqttPort(8883)
                    .amqpPort(5671))
            .build()
            .start();
      } catch (UncheckedIOException e) {
        last = e;
      }
    }
    assumeTrue(false, "No loopback alias with free ports 443, 8883 and 5671: " + last);
    return null;
  }

  @BeforeAll
  static void start() {
    dps = startOnLoopbackAlias(b -> b.linkedHub("hub-mqtt.azure-devices.net", 1));
    // The SDK's MQTT and AMQP contracts publish a request and only then start waiting on a monitor
    // for the answer; an answer that lands in between (the emulator on loopback answers in well
    // under a millisecond, a real DPS after tens) is noticed only when the SDK's 10 s status
    // timeout fails the registration. A network's worth of latency keeps the test off that race.
    dps.faults().latency(Duration.ofMillis(30));
    service = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    if (dps != null) {
      dps.close();
    }
  }

  static ProvisioningDeviceClientRegistrationResult register(
      DpsEmulator dps,
      ProvisioningDeviceClientTransportProtocol protocol,
      SecurityProvider security)
      throws Exception {
    // MQTT, AMQPS and their WebSocket variants take a host name only and add the port themselves.
    String host = dps.deviceEndpoint().replaceFirst(":\\d+$", "");
    ProvisioningDeviceClient client =
        ProvisioningDeviceClient.create(host, dps.idScope(), protocol, security);
    try {
      return client.registerDeviceSync(30);
    } finally {
      client.close();
    }
  }

  private static String symmetricEnrollment(String registrationId, String provisioningStatus)
      throws Exception {
    Resp e =
        service.service(
            "PUT",
            "/enrollments/" + registrationId,
            Map.of(
                "attestation",
                Map.of("type", "symmetricKey"),
                "provisioningStatus",
                provisioningStatus));
    assertThat(e.status()).isEqualTo(200);
    return e.json().at("/attestation/symmetricKey/primaryKey").asText();
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
  void registersAnIndividualSymmetricKeyDevice(ProvisioningDeviceClientTransportProtocol protocol)
      throws Exception {
    String p = protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    String key = symmetricEnrollment(p + "mqtt-sym-dev", "enabled");
    ProvisioningDeviceClientRegistrationResult result =
        register(
            dps, protocol, OfficialSdkCompatibilityTest.symmetricKey(dps, key, p + "mqtt-sym-dev"));
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getIothubUri()).isEqualTo("hub-mqtt.azure-devices.net");
    assertThat(result.getDeviceId()).isEqualTo(p + "mqtt-sym-dev");
    assertThat(
            service
                .service("GET", "/registrations/" + p + "mqtt-sym-dev", null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("assigned");
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
  void registersAGroupMemberWithADerivedKey(ProvisioningDeviceClientTransportProtocol protocol)
      throws Exception {
    String p = protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    Resp g =
        service.service(
            "PUT",
            "/enrollmentGroups/" + p + "mqtt-group",
            Map.of("attestation", Map.of("type", "symmetricKey")));
    String groupKey = g.json().at("/attestation/symmetricKey/primaryKey").asText();
    byte[] derived =
        SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
            groupKey.getBytes(), p + "mqtt-group-dev");
    ProvisioningDeviceClientRegistrationResult member =
        register(
            dps,
            protocol,
            OfficialSdkCompatibilityTest.symmetricKey(
                dps, new String(derived), p + "mqtt-group-dev"));
    assertThat(member.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(
            service
                .service("POST", "/registrations/" + p + "mqtt-group/query", "{}")
                .json()
                .get(0)
                .get("registrationId")
                .asText())
        .isEqualTo(p + "mqtt-group-dev");
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
  void refusesAWrongKey(ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    String p = protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    symmetricEnrollment(p + "mqtt-wrong-key", "enabled");
    String otherKey = symmetricEnrollment(p + "mqtt-other", "enabled");
    assertThatThrownBy(
            () ->
                register(
                    dps,
                    protocol,
                    OfficialSdkCompatibilityTest.symmetricKey(dps, otherKey, p + "mqtt-wrong-key")))
        .isInstanceOf(ProvisioningDeviceClientException.class);
    assertThat(service.service("GET", "/registrations/" + p + "mqtt-wrong-key", null).status())
        .isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
  void reportsADisabledEnrollment(ProvisioningDeviceClientTransportProtocol protocol)
      throws Exception {
    String p = protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    String key = symmetricEnrollment(p + "mqtt-disabled", "disabled");
    assertThatThrownBy(
            () ->
                register(
                    dps,
                    protocol,
                    OfficialSdkCompatibilityTest.symmetricKey(dps, key, p + "mqtt-disabled")))
        .isInstanceOf(ProvisioningDeviceClientException.class);
    assertThat(
            service
                .service("GET", "/registrations/" + p + "mqtt-disabled", null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("disabled");
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
  void registersX509DevicesIndividuallyAndThroughAGroupChain(
      ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    String p = protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-";
    CertificateAuthority root = CertificateAuthority.createRoot(p + "mqtt-root");
    CertificateAuthority intermediate = root.createIntermediate(p + "mqtt-intermediate");
    CertificateAuthority.IssuedCertificate individual = root.issueLeaf(p + "mqtt-x509-dev");
    assertThat(
            service
                .service(
                    "PUT",
                    "/enrollments/" + p + "mqtt-x509-dev",
                    Map.of(
                        "attestation",
                        Map.of(
                            "type",
                            "x509",
                            "x509",
                            Map.of(
                                "clientCertificates",
                                Map.of(
                                    "primary",
                                    Map.of("certificate", individual.certificatePem()))))))
                .status())
        .isEqualTo(200);
    ProvisioningDeviceClientRegistrationResult r1 =
        register(dps, protocol, OfficialSdkCompatibilityTest.x509(dps, individual));
    assertThat(r1.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(r1.getDeviceId()).isEqualTo(p + "mqtt-x509-dev");

    assertThat(
            service
                .service(
                    "PUT",
                    "/enrollmentGroups/" + p + "mqtt-x509-group",
                    Map.of(
                        "attestation",
                        Map.of(
                            "type",
                            "x509",
                            "x509",
                            Map.of(
                                "signingCertificates",
                                Map.of("primary", Map.of("certificate", root.certificatePem()))))))
                .status())
        .isEqualTo(200);
    CertificateAuthority.IssuedCertificate member = intermediate.issueLeaf(p + "mqtt-x509-member");
    ProvisioningDeviceClientRegistrationResult r2 =
        register(dps, protocol, OfficialSdkCompatibilityTest.x509(dps, member));
    assertThat(r2.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(r2.getDeviceId()).isEqualTo(p + "mqtt-x509-member");
    assertThat(
            service
                .service("GET", "/registrations/" + p + "mqtt-x509-member", null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("assigned");
  }
}
