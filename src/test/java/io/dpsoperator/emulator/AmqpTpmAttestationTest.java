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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tss.Tpm;

/**
 * DPS TPM attestation over AMQP, where the challenge runs inside SASL (mechanism {@code TPM}): the
 * official device client (provisioning-device-client 2.1.3) over AMQPS and AMQPS_WS, unchanged, on
 * a software TPM (swtpm) driven with TSS.Java. The SDK connects to ports 5671 and 443 of the host
 * it is given, so the emulator runs on a random loopback alias. Skipped when swtpm is not
 * installed.
 */
class AmqpTpmAttestationTest {
  private static final String HUB = "hub-amqp-tpm.azure-devices.net";

  private static Swtpm swtpm;
  private static DpsEmulator dps;
  private static TestClient client;
  private static Tpm tpm;

  @BeforeAll
  static void start() throws Exception {
    swtpm = Swtpm.start();
    dps = OfficialSdkDeviceTransportsTest.startOnLoopbackAlias(b -> b.linkedHub(HUB, 1));
    // Keeps the SDK off its answer race (see OfficialSdkDeviceTransportsTest).
    dps.faults().latency(Duration.ofMillis(30));
    client = new TestClient(dps);
    tpm = SwtpmSecurityProvider.connect(swtpm);
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

  private static String prefix(ProvisioningDeviceClientTransportProtocol protocol) {
    return protocol.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-";
  }

  private static void enroll(String registrationId, Map<String, Object> tpmAttestation, String s) {
    Resp r =
        client.service(
            "PUT",
            "/enrollments/" + registrationId,
            Map.of(
                "registrationId",
                registrationId,
                "deviceId",
                registrationId + "-device",
                "provisioningStatus",
                s,
                "attestation",
                Map.of("type", "tpm", "tpm", tpmAttestation)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  /** A device SAS the way the Java SDK builds it for TPM: raw sr, signed in the TPM, skn empty. */
  private static String tpmSas(SwtpmSecurityProvider device, String registrationId)
      throws Exception {
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

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"AMQPS", "AMQPS_WS"})
  void officialDeviceClientRegistersATpmDeviceOverAmqp(
      ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    String id = prefix(protocol) + "tpm-device";
    SwtpmSecurityProvider device = new SwtpmSecurityProvider(tpm, id, dps.clientSslContext());
    enroll(id, Map.of("endorsementKey", b64(device.getEndorsementKey())), "enabled");

    ProvisioningDeviceClientRegistrationResult result =
        OfficialSdkDeviceTransportsTest.register(dps, protocol, device);

    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getRegistrationId()).isEqualTo(id);
    assertThat(result.getDeviceId()).isEqualTo(id + "-device");
    assertThat(result.getIothubUri()).isEqualTo(HUB);
    // The blob came through the SASL segments whole: the TPM recovered the extra data in it.
    assertThat(device.decryptedExtraData())
        .isEqualTo(dps.idScope().getBytes(StandardCharsets.UTF_8));
    JsonNode state = client.service("GET", "/registrations/" + id, null).json();
    assertThat(state.get("status").asText()).isEqualTo("assigned");
    assertThat(state.get("deviceId").asText()).isEqualTo(id + "-device");

    // The key the TPM imported over AMQP authenticates the device elsewhere too (status lookup).
    Resp lookup =
        client.device(
            "POST", "/registrations/" + id, tpmSas(device, id), Map.of("registrationId", id));
    assertThat(lookup.status()).as(lookup.toString()).isEqualTo(200);
    assertThat(lookup.json().get("status").asText()).isEqualTo("assigned");
    assertThat(lookup.json().at("/tpm/authenticationKey").asText()).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"AMQPS", "AMQPS_WS"})
  void anEndorsementKeyThatIsNotEnrolledIsRefusedInSasl(
      ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    String id = prefix(protocol) + "tpm-other-ek";
    SwtpmSecurityProvider device = new SwtpmSecurityProvider(tpm, id, dps.clientSslContext());
    // a valid TPM public area, but another key: the device's SRK
    enroll(id, Map.of("endorsementKey", b64(device.getStorageRootKey())), "enabled");

    // The emulator answers the init frame with outcome auth. SDK 2.1.3 takes no outcome before
    // its final SASL step (AmqpsProvisioningSaslHandler.handleOutcome throws, SaslListenerImpl
    // keeps the exception) and RegisterTask waits for the nonce without looking at it, so the
    // refusal surfaces as the registerDeviceSync timeout: a short one keeps the test quick.
    ProvisioningDeviceClient sdk =
        ProvisioningDeviceClient.create(
            dps.deviceEndpoint().replaceFirst(":\\d+$", ""), dps.idScope(), protocol, device);
    try {
      assertThatThrownBy(() -> sdk.registerDeviceSync(8))
          .isInstanceOf(ProvisioningDeviceClientException.class);
    } finally {
      sdk.close();
    }
    assertThat(client.service("GET", "/registrations/" + id, null).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @EnumSource(
      value = ProvisioningDeviceClientTransportProtocol.class,
      names = {"AMQPS", "AMQPS_WS"})
  void aDisabledTpmEnrollmentPassesSaslThenRegistersDisabled(
      ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
    String id = prefix(protocol) + "tpm-disabled";
    SwtpmSecurityProvider device = new SwtpmSecurityProvider(tpm, id, dps.clientSslContext());
    enroll(id, Map.of("endorsementKey", b64(device.getEndorsementKey())), "disabled");

    // As over HTTPS: the challenge and the SAS pass, the registration ends disabled (the SDK
    // reports a disabled registration as an exception).
    assertThatThrownBy(() -> OfficialSdkDeviceTransportsTest.register(dps, protocol, device))
        .isInstanceOf(ProvisioningDeviceClientException.class);
    JsonNode state = client.service("GET", "/registrations/" + id, null).json();
    assertThat(state.get("status").asText()).isEqualTo("disabled");
  }

  /**
   * DPS's SASL TPM exchange driven by hand with Proton-J's client engine over a TLS socket: records
   * the challenges, answers them as the SDKs do, and finishes with {@code sasToken} (computed from
   * the blob the challenges carried).
   */
  private static final class SaslTpmDevice implements SaslListener, AutoCloseable {
    final SSLSocket socket;
    final Transport transport = Proton.transport();
    final Sasl sasl;
    final List<byte[]> challenges = new ArrayList<>();
    final ByteArrayOutputStream blob = new ByteArrayOutputStream();
    private final byte[] init;
    private final byte[] srk;
    private final Function<byte[], String> sasToken;

    SaslTpmDevice(String registrationId, byte[] ek, byte[] srk, Function<byte[], String> sasToken)
        throws IOException {
      String host = dps.deviceEndpoint().replaceFirst(":\\d+$", "");
      socket =
          (SSLSocket) dps.clientSslContext().getSocketFactory().createSocket(host, dps.amqpPort());
      socket.startHandshake();
      socket.setSoTimeout(50);
      ByteArrayOutputStream i = new ByteArrayOutputStream();
      i.write(0);
      i.writeBytes((dps.idScope() + "\0" + registrationId + "\0").getBytes(StandardCharsets.UTF_8));
      i.writeBytes(ek);
      this.init = i.toByteArray();
      this.srk = srk;
      this.sasToken = sasToken;
      Connection connection = Proton.connection();
      transport.bind(connection);
      sasl = transport.sasl();
      sasl.client();
      sasl.setListener(this);
      connection.setHostname(host);
      connection.open();
    }

    @Override
    public void onSaslMechanisms(Sasl s, Transport t) {
      assertThat(s.getRemoteMechanisms()).contains("TPM", "PLAIN");
      s.setMechanisms("TPM");
      s.send(init, 0, init.length);
    }

    @Override
    public void onSaslChallenge(Sasl s, Transport t) {
      byte[] challenge = new byte[s.pending()];
      s.recv(challenge, 0, challenge.length);
      challenges.add(challenge);
      byte[] answer;
      if (challenges.size() == 1) {
        answer = new byte[srk.length + 1];
        System.arraycopy(srk, 0, answer, 1, srk.length);
      } else {
        blob.write(challenge, 1, challenge.length - 1);
        answer =
            (challenge[0] & 0xC0) == 0xC0
                ? ("\0" + sasToken.apply(blob.toByteArray())).getBytes(StandardCharsets.UTF_8)
                : new byte[] {0};
      }
      s.send(answer, 0, answer.length);
    }

    @Override
    public void onSaslInit(Sasl s, Transport t) {}

    @Override
    public void onSaslResponse(Sasl s, Transport t) {}

    @Override
    public void onSaslOutcome(Sasl s, Transport t) {}

    /** Pumps bytes until the SASL outcome arrives (10 s at most). */
    Sasl.SaslOutcome outcome() throws IOException {
      Instant deadline = Instant.now().plusSeconds(10);
      byte[] buffer = new byte[8192];
      while (sasl.getOutcome() == Sasl.SaslOutcome.PN_SASL_NONE) {
        assertThat(Instant.now()).as("SASL finished in time").isBefore(deadline);
        while (transport.pending() > 0) {
          ByteBuffer head = transport.head();
          byte[] bytes = new byte[head.remaining()];
          head.get(bytes);
          transport.pop(bytes.length);
          socket.getOutputStream().write(bytes);
        }
        socket.getOutputStream().flush();
        try {
          int n = socket.getInputStream().read(buffer);
          if (n < 0) {
            break;
          }
          transport.tail().put(buffer, 0, n);
          transport.process();
        } catch (SocketTimeoutException e) {
          // nothing yet
        }
      }
      return sasl.getOutcome();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void saslTpmFramesTheBlobInSegmentsAndChecksTheSasSignedWithIt() throws Exception {
    String id = "wire-tpm-device";
    SwtpmSecurityProvider device = new SwtpmSecurityProvider(tpm, id, dps.clientSslContext());
    enroll(id, Map.of("endorsementKey", b64(device.getEndorsementKey())), "enabled");
    Function<byte[], String> signed =
        blob -> {
          device.activateIdentityKey(blob);
          try {
            return tpmSas(device, id);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };

    try (SaslTpmDevice d =
        new SaslTpmDevice(id, device.getEndorsementKey(), device.getStorageRootKey(), signed)) {
      assertThat(d.outcome()).isEqualTo(Sasl.SaslOutcome.PN_SASL_OK);
      assertThat(d.challenges.get(0)).containsExactly(0);
      List<byte[]> segments = d.challenges.subList(1, d.challenges.size());
      assertThat(segments).hasSize(2); // what SDK 2.1.3 requires: one 0x80, then 0xC1
      assertThat(segments.get(0)[0]).isEqualTo((byte) 0x80);
      assertThat(segments.get(1)[0]).isEqualTo((byte) 0xC1);
      assertThat(segments).allSatisfy(c -> assertThat(c.length).isLessThanOrEqualTo(401));
      assertThat(device.decryptedExtraData())
          .isEqualTo(dps.idScope().getBytes(StandardCharsets.UTF_8));
    }

    // A token whose signature is not the TPM's: outcome auth after the blob.
    Function<byte[], String> tampered =
        blob -> {
          String sas = signed.apply(blob);
          return sas.replaceFirst("sig=.", "sig=" + (sas.contains("sig=A") ? "B" : "A"));
        };
    try (SaslTpmDevice d =
        new SaslTpmDevice(id, device.getEndorsementKey(), device.getStorageRootKey(), tampered)) {
      assertThat(d.outcome()).isEqualTo(Sasl.SaslOutcome.PN_SASL_AUTH);
      assertThat(d.challenges).hasSize(3);
    }

    // No enrollment for the id: outcome auth after the storage root key, no blob.
    try (SaslTpmDevice d =
        new SaslTpmDevice(
            "wire-tpm-unknown",
            device.getEndorsementKey(),
            device.getStorageRootKey(),
            blob -> "")) {
      assertThat(d.outcome()).isEqualTo(Sasl.SaslOutcome.PN_SASL_AUTH);
      assertThat(d.challenges).hasSize(1);
    }
    assertThat(client.service("GET", "/registrations/wire-tpm-unknown", null).status())
        .isEqualTo(404);
  }
}
