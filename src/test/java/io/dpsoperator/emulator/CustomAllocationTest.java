package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.dpsoperator.emulator.TestClient.Resp;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The custom allocation webhook contract, against a small local webhook. */
class CustomAllocationTest {
  static final String HUB_A = "hub-a.azure-devices.net";
  static final String HUB_B = "hub-b.azure-devices.net";
  static DpsEmulator dps;
  static TestClient client;
  static HttpServer webhook;
  static final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  static final List<String> queries = new CopyOnWriteArrayList<>();
  static volatile int replyStatus = 200;
  static volatile String replyBody = "";

  @BeforeAll
  static void start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/alloc",
        exchange -> {
          requests.add(TestClient.JSON.readTree(exchange.getRequestBody()));
          queries.add(exchange.getRequestURI().getQuery());
          byte[] body = replyBody.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(replyStatus, body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    webhook.start();
    dps = DpsEmulator.builder().linkedHub(HUB_A, 1).linkedHub(HUB_B, 1).build().start();
    client = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    dps.close();
    webhook.stop(0);
  }

  @BeforeEach
  void reset() {
    requests.clear();
    queries.clear();
    replyStatus = 200;
    replyBody = "";
  }

  static String webhookUrl() {
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alloc?code=function-key";
  }

  static String customGroup(String id) {
    Resp r =
        client.service(
            "PUT",
            "/enrollmentGroups/" + id,
            Map.of(
                "attestation", Map.of("type", "symmetricKey"),
                "allocationPolicy", "custom",
                "customAllocationDefinition",
                    Map.of("webhookUrl", webhookUrl(), "apiVersion", "2021-10-01"),
                "initialTwin", Map.of("tags", Map.of("site", "lab"))));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/attestation/symmetricKey/primaryKey").asText();
  }

  @Test
  void webhookReceivesTheDocumentedRequestAndChoosesTheHub() {
    String key = Sas.deriveDeviceKey(customGroup("custom-group"), "custom-dev");
    replyBody =
        "{\"iotHubHostName\":\""
            + HUB_B
            + "\",\"payload\":{\"hello\":\"world\"},\"initialTwin\":{\"tags\":{}}}";
    Resp done =
        client.registerAndWait(
            "custom-dev",
            key,
            Map.of("registrationId", "custom-dev", "payload", "{\"modelId\":\"dtmi:x;1\"}"));
    assertThat(done.json().get("status").asText()).as(done.body()).isEqualTo("assigned");
    assertThat(done.json().at("/registrationState/assignedHub").asText()).isEqualTo(HUB_B);
    assertThat(done.json().at("/registrationState/payload/hello").asText()).isEqualTo("world");

    assertThat(requests).hasSize(1);
    assertThat(queries.get(0)).isEqualTo("code=function-key");
    JsonNode request = requests.get(0);
    assertThat(request.at("/enrollmentGroup/enrollmentGroupId").asText()).isEqualTo("custom-group");
    assertThat(request.at("/enrollmentGroup/attestation/symmetricKey").size()).isZero();
    assertThat(request.at("/enrollmentGroup/initialTwin/tags/site").asText()).isEqualTo("lab");
    assertThat(request.at("/deviceRuntimeContext/registrationId").asText()).isEqualTo("custom-dev");
    assertThat(request.at("/deviceRuntimeContext/symmetricKey").isObject()).isTrue();
    assertThat(request.at("/deviceRuntimeContext/payload/modelId").asText()).isEqualTo("dtmi:x;1");
    assertThat(request.at("/deviceRuntimeContext").has("currentIotHubHostName")).isFalse();
    assertThat(request.get("linkedHubs"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(HUB_A, HUB_B);

    // re-registration tells the webhook where the device is
    replyBody = "{\"iotHubHostName\":\"" + HUB_A + "\"}";
    Resp again = client.registerAndWait("custom-dev", key, null);
    assertThat(again.json().at("/registrationState/assignedHub").asText()).isEqualTo(HUB_A);
    assertThat(again.json().at("/registrationState/substatus").asText())
        .isEqualTo("deviceDataMigrated");
    JsonNode second = requests.get(1);
    assertThat(second.at("/deviceRuntimeContext/currentIotHubHostName").asText()).isEqualTo(HUB_B);
    assertThat(second.at("/deviceRuntimeContext/currentDeviceId").asText()).isEqualTo("custom-dev");
  }

  @Test
  void individualEnrollmentsAreSentAsIndividualEnrollment() {
    Resp r =
        client.service(
            "PUT",
            "/enrollments/custom-individual",
            Map.of(
                "attestation", Map.of("type", "symmetricKey"),
                "allocationPolicy", "custom",
                "iotHubs", List.of(HUB_A),
                "customAllocationDefinition",
                    Map.of("webhookUrl", webhookUrl(), "apiVersion", "2021-10-01")));
    replyBody = "{\"iotHubHostName\":\"" + HUB_A + "\"}";
    Resp done =
        client.registerAndWait(
            "custom-individual",
            r.json().at("/attestation/symmetricKey/primaryKey").asText(),
            null);
    assertThat(done.json().get("status").asText()).isEqualTo("assigned");
    assertThat(requests.get(0).at("/individualEnrollment/registrationId").asText())
        .isEqualTo("custom-individual");
    assertThat(requests.get(0).get("linkedHubs"))
        .extracting(JsonNode::asText)
        .containsExactly(HUB_A);
  }

  @Test
  void failingWebhookFailsTheRegistrationWith400209() {
    String key = Sas.deriveDeviceKey(customGroup("custom-fail"), "custom-fail-dev");
    replyStatus = 401;
    Resp done = client.registerAndWait("custom-fail-dev", key, null);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("status").asText()).isEqualTo("failed");
    assertThat(done.json().at("/registrationState/errorCode").asInt()).isEqualTo(400209);
    assertThat(done.json().at("/registrationState/errorMessage").asText())
        .isEqualTo("Custom allocation failed with status code: 401");
    assertThat(
            client
                .service("GET", "/registrations/custom-fail-dev", null)
                .json()
                .get("status")
                .asText())
        .isEqualTo("failed");

    replyStatus = 200;
    replyBody = "{\"iotHubHostName\":\"not-linked.azure-devices.net\"}";
    Resp unknown = client.registerAndWait("custom-fail-dev", key, null);
    assertThat(unknown.json().get("status").asText()).isEqualTo("failed");
    assertThat(unknown.json().at("/registrationState/errorCode").asInt()).isEqualTo(400209);
  }
}
