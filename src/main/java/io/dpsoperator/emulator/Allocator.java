package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the IoT hub of a registration: hashed, static, custom (webhook), reprovisioning. */
final class Allocator {
  private static final Logger LOG = LoggerFactory.getLogger(Allocator.class);
  static final int CUSTOM_ALLOCATION_FAILED = 400209;

  /**
   * The outcome of one allocation.
   *
   * @param initialTwin the twin the device gets in its hub: the webhook's, else the enrollment's
   *     (or the one it had, when its data stays or migrates)
   */
  record Outcome(
      String status,
      String hub,
      String deviceId,
      String substatus,
      Integer errorCode,
      String errorMessage,
      JsonNode payload,
      JsonNode initialTwin) {
    static Outcome failed(int code, String message) {
      return new Outcome("failed", null, null, null, code, message, null, null);
    }

    static Outcome disabled(int code, String message) {
      return new Outcome("disabled", null, null, null, code, message, null, null);
    }
  }

  private final EmulatorConfig config;
  private final EnrollmentCodec codec;
  private final HttpClient webhookClient;
  private final Duration webhookTimeout;

  Allocator(
      EmulatorConfig config, EnrollmentCodec codec, HttpClient webhookClient, Duration timeout) {
    this.config = config;
    this.codec = codec;
    this.webhookClient = webhookClient;
    this.webhookTimeout = timeout;
  }

  /** Whether allocating for this enrollment calls a webhook (its allocation policy is custom). */
  boolean callsWebhook(ObjectNode enrollment) {
    return "custom".equals(Json.text(enrollment, "allocationPolicy"));
  }

  /**
   * Allocates a device. May call a webhook: the caller must not hold the state monitor.
   *
   * @param runtimeAttestation {@code {"symmetricKey":{}}} or {@code {"x509":{...}}} for webhooks
   */
  Outcome allocate(
      ObjectNode enrollment,
      boolean group,
      String registrationId,
      Registration previous,
      JsonNode payload,
      ObjectNode runtimeAttestation) {
    JsonNode rp = enrollment.path("reprovisionPolicy");
    boolean updateHub = rp.path("updateHubAssignment").asBoolean(true);
    boolean migrate = rp.path("migrateDeviceData").asBoolean(true);
    String deviceId =
        !group && Json.present(enrollment, "deviceId")
            ? enrollment.get("deviceId").asText()
            : registrationId;
    List<String> history = previous == null ? List.of() : previous.hubHistory();
    String previousHub =
        previous == null
            ? null
            : previous.assignedHub() != null
                ? previous.assignedHub()
                : history.isEmpty() ? null : history.get(history.size() - 1);
    if (previousHub != null && !updateHub) {
      return new Outcome(
          "assigned",
          previousHub,
          previous.deviceId() != null ? previous.deviceId() : deviceId,
          previous.substatus() != null ? previous.substatus() : "initialAssignment",
          null,
          null,
          previous.payload(),
          previous.initialTwin());
    }
    List<String> candidates = candidates(enrollment);
    String policy = Json.text(enrollment, "allocationPolicy");
    if (policy == null) {
      policy = Json.present(enrollment, "iotHubHostName") ? "static" : "hashed";
    }
    String hub;
    JsonNode replyPayload = null;
    JsonNode replyTwin = null;
    switch (policy) {
      case "custom" -> {
        ObjectNode reply;
        try {
          reply =
              callWebhook(
                  enrollment,
                  group,
                  registrationId,
                  previous,
                  previousHub,
                  payload,
                  runtimeAttestation,
                  candidates);
        } catch (WebhookFailure f) {
          return Outcome.failed(CUSTOM_ALLOCATION_FAILED, f.getMessage());
        }
        String chosen = Json.text(reply, "iotHubHostName");
        hub =
            chosen == null
                ? null
                : candidates.stream()
                    .filter(c -> c.equalsIgnoreCase(chosen))
                    .findFirst()
                    .orElse(null);
        if (hub == null) {
          return Outcome.failed(
              CUSTOM_ALLOCATION_FAILED,
              "Custom allocation returned IoT hub '"
                  + chosen
                  + "', which is not one of the linked hubs "
                  + candidates);
        }
        replyPayload = reply.get("payload");
        replyTwin = reply.get("initialTwin");
      }
      case "static" -> hub = candidates.get(0);
      default -> hub = hashed(registrationId, candidates);
    }
    String substatus;
    if (previousHub == null) {
      substatus = "initialAssignment";
    } else if (hub.equalsIgnoreCase(previousHub)) {
      substatus = previous.substatus() != null ? previous.substatus() : "initialAssignment";
    } else if (history.stream().anyMatch(h -> h.equalsIgnoreCase(hub))) {
      substatus = "reprovisionedToInitialAssignment";
    } else {
      substatus = migrate ? "deviceDataMigrated" : "deviceDataReset";
    }
    JsonNode twin;
    if (replyTwin != null && replyTwin.isObject()) {
      twin = replyTwin; // the webhook's twin overrides the enrollment's and the migration settings
    } else if (previousHub == null
        || previous.initialTwin() == null
        || substatus.equals("deviceDataReset")) {
      twin = enrollment.get("initialTwin");
    } else {
      twin = previous.initialTwin(); // the device keeps (or migrates with) its data
    }
    return new Outcome("assigned", hub, deviceId, substatus, null, null, replyPayload, twin);
  }

  List<String> candidates(ObjectNode enrollment) {
    List<String> hubs = new ArrayList<>();
    enrollment.path("iotHubs").forEach(h -> hubs.add(h.asText()));
    if (hubs.isEmpty() && Json.present(enrollment, "iotHubHostName")) {
      hubs.add(enrollment.get("iotHubHostName").asText());
    }
    return hubs.isEmpty() ? config.hubNames() : hubs;
  }

  /** Weighted rendezvous hashing: deterministic per registration id, proportional to weights. */
  String hashed(String registrationId, List<String> candidates) {
    String best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (String hub : candidates) {
      int weight = weight(hub);
      double u =
          unitHash(registrationId.toLowerCase(Locale.ROOT) + "|" + hub.toLowerCase(Locale.ROOT));
      double score = -weight / Math.log(u);
      if (score > bestScore) {
        bestScore = score;
        best = hub;
      }
    }
    return best;
  }

  private int weight(String hub) {
    return config.hubs().stream()
        .filter(h -> h.hostName().equalsIgnoreCase(hub))
        .mapToInt(EmulatorConfig.LinkedHub::weight)
        .findFirst()
        .orElse(1);
  }

  private static double unitHash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 7; i++) {
        bits = (bits << 8) | (d[i] & 0xff);
      }
      bits &= (1L << 53) - 1;
      return (bits + 0.5) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class WebhookFailure extends Exception {
    private static final long serialVersionUID = 1L;

    WebhookFailure(String message) {
      super(message);
    }
  }

  private ObjectNode callWebhook(
      ObjectNode enrollment,
      boolean group,
      String registrationId,
      Registration previous,
      String previousHub,
      JsonNode payload,
      ObjectNode runtimeAttestation,
      List<String> candidates)
      throws WebhookFailure {
    ObjectNode request = Json.object();
    request.set(
        group ? "enrollmentGroup" : "individualEnrollment", codec.render(enrollment, false, null));
    ObjectNode ctx = request.putObject("deviceRuntimeContext");
    ctx.put("registrationId", registrationId);
    if (previousHub != null) {
      ctx.put("currentIotHubHostName", previousHub);
      if (previous.deviceId() != null) {
        ctx.put("currentDeviceId", previous.deviceId());
      }
    }
    if (runtimeAttestation != null) {
      ctx.setAll(runtimeAttestation.deepCopy());
    }
    if (payload != null && !payload.isNull()) {
      ctx.set("payload", payload);
    }
    ArrayNode linked = request.putArray("linkedHubs");
    candidates.forEach(linked::add);
    String url = enrollment.path("customAllocationDefinition").path("webhookUrl").asText();
    HttpResponse<String> response;
    try {
      response =
          webhookClient.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(webhookTimeout)
                  .header("Content-Type", "application/json; charset=utf-8")
                  .header("Accept", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookFailure("Custom allocation failed: interrupted");
    } catch (Exception e) {
      LOG.atInfo()
          .addKeyValue("url", redact(url))
          .addKeyValue("error", e.toString())
          .log("Custom allocation webhook unreachable");
      throw new WebhookFailure("Custom allocation failed: webhook unreachable (" + e + ")");
    }
    if (response.statusCode() / 100 != 2) {
      LOG.atInfo()
          .addKeyValue("url", redact(url))
          .addKeyValue("status", response.statusCode())
          .log("Custom allocation webhook failed");
      throw new WebhookFailure(
          "Custom allocation failed with status code: " + response.statusCode());
    }
    try {
      JsonNode reply = Json.MAPPER.readTree(response.body());
      if (reply == null || !reply.isObject()) {
        throw new WebhookFailure(
            "Custom allocation failed: the webhook answer is not a JSON object");
      }
      return (ObjectNode) reply;
    } catch (java.io.IOException e) {
      throw new WebhookFailure("Custom allocation failed: the webhook answer is not JSON");
    }
  }

  /** Drops the query (function keys live there) from a URL for logging. */
  private static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?...";
  }
}
