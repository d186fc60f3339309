package io.dpsoperator.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceRegistrationClientTest {
  static final String DEVICE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  static final String REGISTER_PATH =
      "/" + TestDps.ID_SCOPE + "/registrations/device-01/register?api-version=2021-06-01";

  final ObjectMapper mapper = new ObjectMapper();
  TestDps dps;

  @BeforeEach
  void start() throws Exception {
    dps = new TestDps();
  }

  @AfterEach
  void stop() throws Exception {
    dps.close();
  }

  @Test
  void registerSendsAPutWithPayloadAndAVerifiableSasToken() throws Exception {
    dps.enqueue(200, TestDps.assigned("op-1", "device-01"));

    RegistrationResult result;
    try (DeviceRegistrationClient client = dps.client().build()) {
      result =
          client.registerWithSymmetricKey(
              "device-01", DEVICE_KEY, Optional.of(Map.of("modelId", "dtmi:demo:thermostat;1")));
    }

    RecordedRequest put = dps.server.takeRequest();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getPath()).isEqualTo(REGISTER_PATH);
    assertThat(put.getHeader("Content-Type")).startsWith("application/json");
    JsonNode body = mapper.readTree(put.getBody().readUtf8());
    assertThat(body.get("registrationId").asText()).isEqualTo("device-01");
    assertThat(body.get("payload").isObject()).isTrue();
    assertThat(body.at("/payload/modelId").asText()).isEqualTo("dtmi:demo:thermostat;1");

    Map<String, String> sas = parseSas(put.getHeader("Authorization"));
    assertThat(sas).containsOnlyKeys("sr", "sig", "se", "skn");
    assertThat(sas.get("sr")).isEqualTo(TestDps.ID_SCOPE + "%2Fregistrations%2Fdevice-01");
    assertThat(sas.get("skn")).isEqualTo("registration");
    long se = Long.parseLong(sas.get("se"));
    assertThat(se).isEqualTo(dps.clock.instant().plus(Duration.ofHours(1)).getEpochSecond());
    String expectedSig = hmac(DEVICE_KEY, sas.get("sr") + "\n" + se);
    assertThat(URLDecoder.decode(sas.get("sig"), StandardCharsets.UTF_8)).isEqualTo(expectedSig);
    assertThat(put.getHandshake().tlsVersion().javaName()).isIn("TLSv1.2", "TLSv1.3");

    assertThat(result)
        .isEqualTo(
            new RegistrationResult(
                "device-01",
                "assigned",
                "initialAssignment",
                "hub-1.azure-devices.net",
                "device-01",
                null,
                null,
                "op-1"));
    assertThat(result.isAssigned()).isTrue();
    assertThat(dps.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void pollsTheOperationHonouringClampedRetryAfterUntilAssigned() throws Exception {
    dps.enqueue(202, TestDps.assigning("5.316aac5bdc130deb.b1e02da8"), "3");
    dps.enqueue(202, TestDps.assigning("5.316aac5bdc130deb.b1e02da8"), "30");
    dps.enqueue(202, TestDps.assigning("5.316aac5bdc130deb.b1e02da8"), "0");
    dps.enqueue(
        202,
        "{\"operationId\":\"5.316aac5bdc130deb.b1e02da8\",\"status\":\"unassigned\"}"); // no header
    dps.enqueue(200, TestDps.assigned("5.316aac5bdc130deb.b1e02da8", "device-01"));

    RegistrationResult result =
        dps.client().build().registerWithSymmetricKey("device-01", DEVICE_KEY, Optional.empty());

    assertThat(result.status()).isEqualTo("assigned");
    assertThat(result.assignedHub()).isEqualTo("hub-1.azure-devices.net");
    assertThat(dps.sleeps)
        .containsExactly(
            Duration.ofSeconds(3),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2));

    RecordedRequest put = dps.server.takeRequest();
    JsonNode body = mapper.readTree(put.getBody().readUtf8());
    assertThat(body.has("payload")).isFalse();
    for (int i = 0; i < 4; i++) {
      RecordedRequest poll = dps.server.takeRequest();
      assertThat(poll.getMethod()).isEqualTo("GET");
      assertThat(poll.getPath())
          .isEqualTo(
              "/"
                  + TestDps.ID_SCOPE
                  + "/registrations/device-01/operations/5.316aac5bdc130deb.b1e02da8"
                  + "?api-version=2021-06-01");
      assertThat(poll.getHeader("Authorization")).isEqualTo(put.getHeader("Authorization"));
    }
  }

  @Test
  void returnsAFailedRegistrationWithItsErrorCode() {
    dps.enqueue(202, TestDps.assigning("op-2"), "1");
    dps.enqueue(
        200,
        """
        {"operationId":"op-2","status":"failed","registrationState":{
          "registrationId":"device-01","status":"failed","errorCode":404201,
          "errorMessage":"Enrollment not found"}}
        """);

    RegistrationResult result =
        dps.client().build().registerWithSymmetricKey("device-01", DEVICE_KEY);

    assertThat(result.status()).isEqualTo("failed");
    assertThat(result.isAssigned()).isFalse();
    assertThat(result.errorCode()).isEqualTo(404201);
    assertThat(result.errorMessage()).isEqualTo("Enrollment not found");
    assertThat(result.assignedHub()).isNull();
    assertThat(result.operationId()).isEqualTo("op-2");
  }

  @Test
  void returnsADisabledRegistration() {
    dps.enqueue(
        200,
        """
        {"operationId":"op-3","status":"disabled","registrationState":{
          "registrationId":"device-01","status":"disabled"}}
        """);

    RegistrationResult result =
        dps.client().build().registerWithSymmetricKey("device-01", DEVICE_KEY);

    assertThat(result.status()).isEqualTo("disabled");
    assertThat(result.deviceId()).isNull();
    assertThat(dps.sleeps).isEmpty();
  }

  @Test
  void mapsA401ToAnExceptionWithoutKeyMaterial() throws Exception {
    // A server that echoes the token must not get it into the message either.
    dps.server.setDispatcher(
        new okhttp3.mockwebserver.Dispatcher() {
          @Override
          public okhttp3.mockwebserver.MockResponse dispatch(RecordedRequest request) {
            return new okhttp3.mockwebserver.MockResponse()
                .setResponseCode(401)
                .setBody(
                    "{\"errorCode\":401002,\"trackingId\":\"t-1\",\"message\":\"Unauthorized: "
                        + request.getHeader("Authorization")
                        + "\",\"timestampUtc\":\"2026-01-01T00:00:00Z\"}");
          }
        });

    DeviceRegistrationClient client = dps.client().build();
    assertThatThrownBy(() -> client.registerWithSymmetricKey("device-01", DEVICE_KEY))
        .isInstanceOfSatisfying(
            DeviceRegistrationException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.errorCode()).isEqualTo(401002);
              assertThat(e.getMessage())
                  .contains("401", "401002", "device-01", "Unauthorized")
                  .doesNotContain(DEVICE_KEY)
                  .doesNotContain("sig=")
                  .doesNotContain("SharedAccessSignature sr=");
            });
    String token = dps.server.takeRequest().getHeader("Authorization");
    String sig = parseSas(token).get("sig");
    assertThatThrownBy(() -> client.registerWithSymmetricKey("device-01", DEVICE_KEY))
        .message()
        .doesNotContain(sig)
        .doesNotContain(URLDecoder.decode(sig, StandardCharsets.UTF_8));
  }

  @Test
  void givesUpWhenTheTimeoutPassesWhileAssigning() {
    for (int i = 0; i < 6; i++) {
      dps.enqueue(202, TestDps.assigning("op-4"), "3");
    }
    DeviceRegistrationClient client = dps.client().timeout(Duration.ofSeconds(10)).build();

    assertThatThrownBy(() -> client.registerWithSymmetricKey("device-01", DEVICE_KEY))
        .isInstanceOfSatisfying(
            DeviceRegistrationException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.getMessage()).contains("did not finish", "assigning", "op-4");
            });
    // Polls at 0, 3, 6, 9 s; at 9 s the next poll would be past the deadline.
    assertThat(dps.server.getRequestCount()).isEqualTo(4);
    assertThat(dps.sleeps).hasSize(3);
  }

  @Test
  void rejectsAnAnswerWithoutOperationId() {
    dps.enqueue(202, "{\"status\":\"assigning\"}");

    assertThatThrownBy(() -> dps.client().build().registerWithSymmetricKey("device-01", DEVICE_KEY))
        .isInstanceOf(DeviceRegistrationException.class)
        .hasMessageContaining("operationId=null");
  }

  @Test
  void keepsCertificateVerificationOnWithoutTheTrustedCa() {
    dps.enqueue(200, TestDps.assigned("op-5", "device-01"));
    DeviceRegistrationClient client = dps.client().trustedCaPem(null).build();

    assertThatThrownBy(() -> client.registerWithSymmetricKey("device-01", DEVICE_KEY))
        .isInstanceOfSatisfying(
            DeviceRegistrationException.class, e -> assertThat(e.httpStatus()).isZero())
        .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  @Test
  void acceptsOnlyAnHttpsHostAndPort() {
    assertThat(
            DeviceRegistrationClient.builder()
                .endpoint("https://localhost:8443/")
                .idScope("0ne00000001")
                .build())
        .hasToString(
            "DeviceRegistrationClient[endpoint=https://localhost:8443/, idScope=0ne00000001]");
    assertThatThrownBy(
            () ->
                DeviceRegistrationClient.builder()
                    .endpoint("http://localhost:8080")
                    .idScope("0ne00000001")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https");
    assertThatThrownBy(
            () ->
                DeviceRegistrationClient.builder()
                    .endpoint("localhost:8443/path")
                    .idScope("0ne00000001")
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clampsRetryAfter() {
    assertThat(DeviceRegistrationClient.pollDelay(null)).isEqualTo(Duration.ofSeconds(2));
    assertThat(DeviceRegistrationClient.pollDelay("x")).isEqualTo(Duration.ofSeconds(2));
    assertThat(DeviceRegistrationClient.pollDelay("0")).isEqualTo(Duration.ofSeconds(1));
    assertThat(DeviceRegistrationClient.pollDelay(" 4 ")).isEqualTo(Duration.ofSeconds(4));
    assertThat(DeviceRegistrationClient.pollDelay("600")).isEqualTo(Duration.ofSeconds(5));
  }

  static Map<String, String> parseSas(String header) {
    assertThat(header).startsWith("SharedAccessSignature ");
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : header.substring("SharedAccessSignature ".length()).split("&")) {
      int eq = part.indexOf('=');
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return fields;
  }

  static String hmac(String base64Key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
    return Base64.getEncoder()
        .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }
}
