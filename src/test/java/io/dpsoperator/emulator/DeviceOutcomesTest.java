package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.dpsoperator.emulator.TestClient.Resp;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a device's registration ends in, over HTTPS and with the official device SDK: no enrollment
 * (failed, 404201), a disabled enrollment (disabled, with its code), a custom allocation that runs
 * after the register call answered "assigning" and whose initialTwin is honoured, and operation ids
 * that survive a restart.
 */
class DeviceOutcomesTest {
  static final String HUB_A = "hub-a.azure-devices.net";
  static final String HUB_B = "hub-b.azure-devices.net";
  static DpsEmulator dps;
  static TestClient client;
  static HttpServer webhook;
  static volatile CountDownLatch release = new CountDownLatch(0);
  static final AtomicInteger webhookCalls = new AtomicInteger();
  static volatile String replyBody = "";

  @BeforeAll
  static void start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    webhook.createContext(
        "/alloc",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          webhookCalls.incrementAndGet();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = replyBody.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
          exchange.close();
        });
    webhook.start();
    dps = DpsEmulator.builder().linkedHub(HUB_A, 1).linkedHub(HUB_B, 1).build().start();
    client = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    release.countDown();
    dps.close();
    webhook.stop(0);
  }

  static String token(String id, String key) {
    return Sas.deviceToken(dps.idScope(), id, key, Instant.now().plusSeconds(600).getEpochSecond());
  }

  static Resp poll(TestClient c, String id, String key, String operationId) {
    return c.device(
        "GET", "/registrations/" + id + "/operations/" + operationId, token(id, key), null);
  }

  /** The error code of the ProvisioningDeviceHubException the device SDK fails with. */
  static int sdkErrorCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable registration) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(registration);
    assertThat(t).isNotNull();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c
          instanceof
          com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions
                  .ProvisioningDeviceHubException
              hub) {
        return hub.getErrorCode();
      }
    }
    throw new AssertionError("No ProvisioningDeviceHubException in " + t, t);
  }

  @Test
  void aDeviceWithNoEnrollmentGetsAFailedRegistrationWith404201() throws Exception {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    Resp register = client.register("nobody-here", key, null);
    assertThat(register.status()).as(register.toString()).isEqualTo(202);
    assertThat(register.json().get("status").asText()).isEqualTo("assigning");
    Resp done = client.registerAndWait("nobody-here", key, null);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("status").asText()).isEqualTo("failed");
    JsonNode state = done.json().get("registrationState");
    assertThat(state.get("registrationId").asText()).isEqualTo("nobody-here");
    assertThat(state.get("status").asText()).isEqualTo("failed");
    assertThat(state.get("errorCode").asInt()).isEqualTo(404201);
    assertThat(state.get("errorMessage").asText()).contains("nobody-here");
    assertThat(state.has("assignedHub")).isFalse();
    // No registration record is written for it.
    assertThat(client.service("GET", "/registrations/nobody-here", null).status()).isEqualTo(404);
    // The status lookup still refuses it, and a stranger cannot poll another device's operation.
    assertThat(
            client
                .device("POST", "/registrations/nobody-here", token("nobody-here", key), "{}")
                .status())
        .isEqualTo(401);

    // The official device SDK reports the failure with the code.
    assertThat(
            sdkErrorCode(
                () ->
                    OfficialSdkCompatibilityTest.register(
                        dps,
                        OfficialSdkCompatibilityTest.symmetricKey(dps, key, "nobody-sdk"),
                        null)))
        .isEqualTo(404201);
  }

  @Test
  void aDisabledEnrollmentsResultCarriesItsErrorCode() throws Exception {
    Resp created =
        client.service(
            "PUT",
            "/enrollments/disabled-dev",
            Map.of(
                "attestation", Map.of("type", "symmetricKey"), "provisioningStatus", "disabled"));
    String key = created.json().at("/attestation/symmetricKey/primaryKey").asText();
    Resp done = client.registerAndWait("disabled-dev", key, null);
    assertThat(done.json().get("status").asText()).isEqualTo("disabled");
    assertThat(done.json().at("/registrationState/errorCode").asInt())
        .isEqualTo(Assignments.ENROLLMENT_DISABLED);
    assertThat(done.json().at("/registrationState/errorMessage").asText()).contains("disabled");
    Resp record = client.service("GET", "/registrations/disabled-dev", null);
    assertThat(record.json().get("status").asText()).isEqualTo("disabled");
    assertThat(record.json().get("errorCode").asInt()).isEqualTo(Assignments.ENROLLMENT_DISABLED);

    assertThat(
            sdkErrorCode(
                () ->
                    OfficialSdkCompatibilityTest.register(
                        dps,
                        OfficialSdkCompatibilityTest.symmetricKey(dps, key, "disabled-dev"),
                        null)))
        .isEqualTo(Assignments.ENROLLMENT_DISABLED);
  }

  @Test
  void theWebhookIsCalledAfterTheRegisterCallAnsweredAndItsInitialTwinIsHonoured() {
    Resp group =
        client.service(
            "PUT",
            "/enrollmentGroups/after-group",
            Map.of(
                "attestation", Map.of("type", "symmetricKey"),
                "allocationPolicy", "custom",
                "customAllocationDefinition",
                    Map.of(
                        "webhookUrl",
                        "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alloc",
                        "apiVersion",
                        "2021-10-01"),
                "initialTwin", Map.of("tags", Map.of("from", "enrollment"))));
    String key =
        Sas.deriveDeviceKey(
            group.json().at("/attestation/symmetricKey/primaryKey").asText(), "after-dev");
    replyBody =
        "{\"iotHubHostName\":\""
            + HUB_B
            + "\",\"initialTwin\":{\"tags\":{\"from\":\"webhook\"},"
            + "\"properties\":{\"desired\":{\"interval\":30}}}}";
    release = new CountDownLatch(1);
    int before = webhookCalls.get();
    try {
      // The webhook holds its answer until released: the register call answers meanwhile.
      Resp register = client.register("after-dev", key, null);
      assertThat(register.status()).as(register.toString()).isEqualTo(202);
      String operationId = register.json().get("operationId").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> webhookCalls.get() == before + 1);
      Resp pending = poll(client, "after-dev", key, operationId);
      assertThat(pending.status()).isEqualTo(202);
      assertThat(pending.json().get("status").asText()).isEqualTo("assigning");

      release.countDown();
      Resp[] last = new Resp[1];
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> (last[0] = poll(client, "after-dev", key, operationId)).status() == 200);
      assertThat(last[0].json().get("status").asText()).isEqualTo("assigned");
      assertThat(last[0].json().at("/registrationState/assignedHub").asText()).isEqualTo(HUB_B);
    } finally {
      release.countDown();
    }
    JsonNode twin = dps.initialTwin("after-dev").orElseThrow();
    assertThat(twin.at("/tags/from").asText()).isEqualTo("webhook");
    assertThat(twin.at("/properties/desired/interval").asInt()).isEqualTo(30);

    // Without a twin in the reply, the enrollment's applies.
    replyBody = "{\"iotHubHostName\":\"" + HUB_A + "\"}";
    String key2 =
        Sas.deriveDeviceKey(
            group.json().at("/attestation/symmetricKey/primaryKey").asText(), "after-dev2");
    assertThat(client.registerAndWait("after-dev2", key2, null).json().get("status").asText())
        .isEqualTo("assigned");
    assertThat(dps.initialTwin("after-dev2").orElseThrow().at("/tags/from").asText())
        .isEqualTo("enrollment");
  }

  @Test
  void operationIdsSurviveARestartWithADataDirectory(@TempDir Path data) {
    String key;
    String assignedOp;
    String failedOp;
    String stranger = Base64.getEncoder().encodeToString(new byte[32]);
    try (DpsEmulator first =
        DpsEmulator.builder().dataDirectory(data).adminPort(-1).build().start()) {
      TestClient c = new TestClient(first);
      key =
          c.service(
                  "PUT",
                  "/enrollments/durable-dev",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      assignedOp = c.register("durable-dev", key, null).json().get("operationId").asText();
      failedOp = c.register("durable-nobody", stranger, null).json().get("operationId").asText();
    }
    try (DpsEmulator second =
        DpsEmulator.builder().dataDirectory(data).adminPort(-1).build().start()) {
      TestClient c = new TestClient(second);
      Resp assigned =
          c.device(
              "GET",
              "/registrations/durable-dev/operations/" + assignedOp,
              Sas.deviceToken(
                  second.idScope(),
                  "durable-dev",
                  key,
                  Instant.now().plusSeconds(600).getEpochSecond()),
              null);
      assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
      assertThat(assigned.json().get("operationId").asText()).isEqualTo(assignedOp);
      assertThat(assigned.json().at("/registrationState/status").asText()).isEqualTo("assigned");
      assertThat(assigned.json().at("/registrationState/assignedHub").asText())
          .isEqualTo(DpsEmulator.DEFAULT_HUB);
      Resp failed =
          c.device(
              "GET",
              "/registrations/durable-nobody/operations/" + failedOp,
              Sas.deviceToken(
                  second.idScope(),
                  "durable-nobody",
                  stranger,
                  Instant.now().plusSeconds(600).getEpochSecond()),
              null);
      assertThat(failed.json().at("/registrationState/errorCode").asInt()).isEqualTo(404201);
      // An id this instance never issued is still unknown.
      Resp unknown =
          c.device(
              "GET",
              "/registrations/durable-dev/operations/1.0000000000000000.nope",
              Sas.deviceToken(
                  second.idScope(),
                  "durable-dev",
                  key,
                  Instant.now().plusSeconds(600).getEpochSecond()),
              null);
      assertThat(unknown.status()).isEqualTo(404);
    }
  }
}
