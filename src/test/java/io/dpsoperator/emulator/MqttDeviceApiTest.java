package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.TestClient.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MQTT device API on the wire, with Eclipse Paho (the MQTT client the Azure SDKs use) on
 * ephemeral ports: the DPS username, the response topic's status, {@code $rid} and {@code
 * retry-after}, the same JSON as HTTPS, CONNACK codes, and the Node SDK's WebSocket path.
 */
class MqttDeviceApiTest {
  private static DpsEmulator dps;
  private static TestClient service;

  @BeforeAll
  static void start() {
    dps = DpsEmulator.builder().linkedHub("hub-wire.azure-devices.net", 1).build().start();
    service = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    dps.close();
  }

  record Answer(String topic, JsonNode body) {}

  /** A connected device: its answers arrive in {@link #answers}. */
  static final class Device implements AutoCloseable {
    final MqttClient client;
    final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

    Device(String uri, String registrationId, String username, String password) throws Exception {
      client = new MqttClient(uri, registrationId, new MemoryPersistence());
      client.setCallback(
          new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
              answers.add(new Answer(topic, TestClient.JSON.readTree(message.getPayload())));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
          });
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(false);
      options.setUserName(username);
      if (password != null) {
        options.setPassword(password.toCharArray());
      }
      options.setSocketFactory(dps.clientSslContext().getSocketFactory());
      options.setConnectionTimeout(10);
      client.connect(options);
    }

    void subscribe() throws MqttException {
      client.subscribe("$dps/registrations/res/#", 1);
    }

    Answer request(String topic, String body) throws Exception {
      client.publish(topic, (body == null ? "" : body).getBytes(StandardCharsets.UTF_8), 0, false);
      Answer a = answers.poll(10, TimeUnit.SECONDS);
      assertThat(a).as("answer to %s", topic).isNotNull();
      return a;
    }

    @Override
    public void close() throws MqttException {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }

  private static String username(String registrationId) {
    return dps.idScope()
        + "/registrations/"
        + registrationId
        + "/api-version=2019-03-31&ClientVersion=test";
  }

  private static String token(String registrationId, String key) {
    return Sas.deviceToken(
        dps.idScope(), registrationId, key, Instant.now().plusSeconds(3600).getEpochSecond());
  }

  private static String enroll(String registrationId) {
    Resp e =
        service.service(
            "PUT",
            "/enrollments/" + registrationId,
            Map.of("attestation", Map.of("type", "symmetricKey")));
    assertThat(e.status()).isEqualTo(200);
    return e.json().at("/attestation/symmetricKey/primaryKey").asText();
  }

  private static String mqtts() {
    return "ssl://127.0.0.1:" + dps.mqttPort();
  }

  @Test
  void registersAndAnswersOnTheResponseTopic() throws Exception {
    String key = enroll("wire-dev");
    try (Device d = new Device(mqtts(), "wire-dev", username("wire-dev"), token("wire-dev", key))) {
      d.subscribe();
      Answer registered =
          d.request(
              "$dps/registrations/PUT/iotdps-register/?$rid=7",
              "{\"registrationId\":\"wire-dev\",\"payload\":{\"modelId\":\"dtmi:x;1\"}}");
      assertThat(registered.topic()).isEqualTo("$dps/registrations/res/202/?$rid=7&retry-after=1");
      assertThat(registered.body().get("status").asText()).isEqualTo("assigning");
      String operationId = registered.body().get("operationId").asText();
      assertThat(operationId).matches("\\d\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");

      Answer status =
          d.request(
              "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=8&operationId="
                  + operationId,
              null);
      assertThat(status.topic()).isEqualTo("$dps/registrations/res/200/?$rid=8");
      assertThat(status.body().get("status").asText()).isEqualTo("assigned");
      assertThat(status.body().at("/registrationState/assignedHub").asText())
          .isEqualTo("hub-wire.azure-devices.net");

      // the same record as the service API shows
      assertThat(service.service("GET", "/registrations/wire-dev", null).json().get("etag"))
          .isEqualTo(status.body().at("/registrationState/etag"));
    }
  }

  @Test
  void answersErrorsWithTheHttpsErrorBodies() throws Exception {
    String key = enroll("wire-err");
    try (Device d = new Device(mqtts(), "wire-err", username("wire-err"), token("wire-err", key))) {
      d.subscribe();
      Answer unknown =
          d.request(
              "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=1&operationId=nope", null);
      assertThat(unknown.topic()).isEqualTo("$dps/registrations/res/404/?$rid=1");
      assertThat(unknown.body().get("errorCode").asInt()).isEqualTo(404001);
      assertThat(unknown.body().get("trackingId").asText()).isNotEmpty();

      Answer mismatch =
          d.request(
              "$dps/registrations/PUT/iotdps-register/?$rid=2", "{\"registrationId\":\"other\"}");
      assertThat(mismatch.topic()).isEqualTo("$dps/registrations/res/400/?$rid=2");
      assertThat(mismatch.body().get("message").asText()).contains("does not match");

      Answer notJson = d.request("$dps/registrations/PUT/iotdps-register/?$rid=3", "{nope");
      assertThat(notJson.topic()).isEqualTo("$dps/registrations/res/400/?$rid=3");

      // DPS has no TPM attestation over MQTT: a TPM body is refused, not challenged.
      Answer tpm =
          d.request(
              "$dps/registrations/PUT/iotdps-register/?$rid=4",
              "{\"registrationId\":\"wire-err\",\"tpm\":{\"endorsementKey\":\"AAAA\"}}");
      assertThat(tpm.topic()).isEqualTo("$dps/registrations/res/400/?$rid=4");
      assertThat(tpm.body().get("message").asText()).contains("TPM").contains("MQTT");
    }
    assertThat(service.service("GET", "/registrations/wire-err", null).status()).isEqualTo(404);
  }

  @Test
  void refusesBadCredentialsAtConnect() {
    String key = enroll("wire-refused");
    String otherKey = enroll("wire-other");
    assertThatThrownBy(
            () ->
                new Device(
                    mqtts(),
                    "wire-refused",
                    username("wire-refused"),
                    token("wire-refused", otherKey)))
        .isInstanceOfSatisfying(
            MqttException.class,
            e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    // neither a SAS token nor a client certificate
    assertThatThrownBy(() -> new Device(mqtts(), "wire-refused", username("wire-refused"), null))
        .isInstanceOfSatisfying(
            MqttException.class,
            e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
    // a username that is not {idScope}/registrations/{id}/api-version=...
    assertThatThrownBy(
            () -> new Device(mqtts(), "wire-refused", "wire-refused", token("wire-refused", key)))
        .isInstanceOfSatisfying(
            MqttException.class,
            e ->
                assertThat(e.getReasonCode())
                    .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    // a client id other than the registration id
    assertThatThrownBy(
            () ->
                new Device(
                    mqtts(), "someone-else", username("wire-refused"), token("wire-refused", key)))
        .isInstanceOfSatisfying(
            MqttException.class,
            e ->
                assertThat(e.getReasonCode())
                    .isEqualTo(MqttException.REASON_CODE_INVALID_CLIENT_ID));
    // a token for another ID scope's resource
    String wrongScope =
        Sas.deviceToken(
            "0neOTHER", "wire-refused", key, Instant.now().plusSeconds(3600).getEpochSecond());
    assertThatThrownBy(
            () -> new Device(mqtts(), "wire-refused", username("wire-refused"), wrongScope))
        .isInstanceOf(MqttException.class);
  }

  @Test
  void answersOnlySubscribers() throws Exception {
    String key = enroll("wire-unsubscribed");
    try (Device d =
        new Device(
            mqtts(),
            "wire-unsubscribed",
            username("wire-unsubscribed"),
            token("wire-unsubscribed", key))) {
      d.client.publish(
          "$dps/registrations/PUT/iotdps-register/?$rid=1",
          "{\"registrationId\":\"wire-unsubscribed\"}".getBytes(StandardCharsets.UTF_8),
          0,
          false);
      // the request is carried out (DPS registers), the answer reaches no one
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  service.service("GET", "/registrations/wire-unsubscribed", null).status() == 200);
      assertThat(d.answers.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void speaksMqttOverWebSocketsOnBothSdkPaths() throws Exception {
    for (String path : List.of("/mqtt", "/$iothub/websocket")) {
      String id = "wire-ws" + (path.length() > 5 ? "-node" : "-java");
      String key = enroll(id);
      try (Device d =
          new Device("wss://localhost:" + dps.port() + path, id, username(id), token(id, key))) {
        d.subscribe();
        Answer registered =
            d.request(
                "$dps/registrations/PUT/iotdps-register/?$rid=1",
                "{\"registrationId\":\"" + id + "\"}");
        assertThat(registered.topic()).startsWith("$dps/registrations/res/202/?$rid=1");
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(
                            d.request(
                                    "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId="
                                        + registered.body().get("operationId").asText(),
                                    null)
                                .body()
                                .get("status")
                                .asText())
                        .isEqualTo("assigned"));
      }
    }
    // the HTTPS API still answers on the same port
    assertThat(service.service("GET", "/enrollments/wire-ws-java", null).status()).isEqualTo(200);
  }

  @Test
  void refusesWebSocketsForOtherSubprotocols() {
    HttpClient http = HttpClient.newBuilder().sslContext(dps.clientSslContext()).build();
    assertThatThrownBy(
            () ->
                http.newWebSocketBuilder()
                    .subprotocols("stomp")
                    .buildAsync(
                        URI.create("wss://localhost:" + dps.port() + "/mqtt"),
                        new WebSocket.Listener() {})
                    .join())
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            e ->
                assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                    .isEqualTo(400));
  }
}
