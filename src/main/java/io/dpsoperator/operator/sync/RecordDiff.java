package io.dpsoperator.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dpsoperator.operator.secrets.PemCertificates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides whether DPS already holds what the operator wants. It compares a
 * desired DPS record with the one DPS holds on what DPS shows back, semantically: read-only fields
 * and symmetric keys (hidden by GET) are left out, certificates are compared by thumbprint, DPS
 * defaults count as equal to absence, nulls and empty objects count as absent, twin metadata the
 * service adds ({@code $metadata}, {@code $version}) is ignored, IoT hub host names compare
 * regardless of case, and JSON values as {@link JsonSemantics} says: object members in any order,
 * array elements in order, numbers by value however they were parsed. Pure functions.
 */
public final class RecordDiff {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().addModule(new JavaTimeModule()).build();

  private RecordDiff() {}

  /** The top-level fields that differ, for logs and Events (never values). */
  public static List<String> differences(Object desired, Object actual) {
    ObjectNode d = normalize(MAPPER.valueToTree(desired), true);
    ObjectNode a = normalize(MAPPER.valueToTree(actual), false);
    // A field the spec leaves out means "the DPS default": whatever DPS shows is fine (absent
    // iotHubs means all linked hubs, which DPS may list).
    for (String optional : List.of("allocationPolicy", "deviceId", "iotHubHostName", "iotHubs")) {
      if (!d.has(optional)) {
        a.remove(optional);
      }
    }
    List<String> fields = new ArrayList<>();
    Iterator<String> names = d.fieldNames();
    names.forEachRemaining(
        n -> {
          if (!JsonSemantics.same(d.get(n), a.get(n))) {
            fields.add(n);
          }
        });
    a.fieldNames()
        .forEachRemaining(
            n -> {
              if (!d.has(n)) {
                fields.add(n);
              }
            });
    return fields;
  }

  /**
   * SHA-256 over the desired record and its secret material, as hex. The record is hashed without
   * the keys it may carry, so that "sent without keys, DPS generated them" and "sent with those
   * keys" hash the same. Both are hashed in canonical form (members sorted by name, numbers as
   * their canonical decimal), so that the hash, kept in status, depends neither on key order, nor
   * on how a parser typed the numbers, nor on the JVM.
   */
  public static String hash(Object desired, Object keys) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ObjectNode record = MAPPER.valueToTree(desired);
      if (record.get("attestation") instanceof ObjectNode attestation) {
        attestation.remove("symmetricKey");
      }
      sha.update(MAPPER.writeValueAsBytes(JsonSemantics.canonical(record)));
      sha.update(
          MAPPER
              .writeValueAsString(JsonSemantics.canonical(MAPPER.valueToTree(keys)))
              .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode normalize(ObjectNode n, boolean desired) {
    n.remove("etag");
    // Host names are case-insensitive; DPS answers with the casing of its linked hub.
    if (n.get("iotHubs") instanceof ArrayNode hubs) {
      ArrayNode lower = hubs.arrayNode();
      hubs.forEach(h -> lower.add(h.asText().toLowerCase(Locale.ROOT)));
      n.set("iotHubs", lower);
    }
    if (n.hasNonNull("iotHubHostName")) {
      n.put("iotHubHostName", n.get("iotHubHostName").asText().toLowerCase(Locale.ROOT));
    }
    for (String id : List.of("registrationId", "enrollmentGroupId")) {
      if (n.hasNonNull(id)) {
        n.put(id, n.get(id).asText().toLowerCase(Locale.ROOT));
      }
    }
    if (n.hasNonNull("deviceId")
        && n.hasNonNull("registrationId")
        && n.get("deviceId").asText().equalsIgnoreCase(n.get("registrationId").asText())) {
      n.remove("deviceId");
    }
    if (!n.hasNonNull("provisioningStatus")) {
      n.put("provisioningStatus", "enabled");
    }
    ObjectNode caps = n.withObject("/capabilities");
    if (!caps.has("iotEdge")) {
      caps.put("iotEdge", false);
    }
    ObjectNode reprovision = n.withObject("/reprovisionPolicy");
    for (String f : List.of("updateHubAssignment", "migrateDeviceData")) {
      if (!reprovision.hasNonNull(f)) {
        reprovision.put(f, true);
      }
    }
    for (String twinField : List.of("initialTwin", "optionalDeviceInformation")) {
      if (n.get(twinField) instanceof ObjectNode twin) {
        stripServiceMembers(twin);
      }
    }
    JsonNode attestation = n.get("attestation");
    if (attestation instanceof ObjectNode att) {
      att.remove("symmetricKey");
      if (att.get("x509") instanceof ObjectNode x509) {
        for (String set : List.of("clientCertificates", "signingCertificates")) {
          if (x509.get(set) instanceof ObjectNode certs) {
            for (String role : List.of("primary", "secondary")) {
              thumbprintOnly(certs, role);
            }
          }
        }
      }
      if (att.get("tpm") instanceof ObjectNode tpm) {
        tpm.remove("storageRootKey");
      }
    }
    prune(n);
    return n;
  }

  private static void thumbprintOnly(ObjectNode certs, String role) {
    JsonNode c = certs.get(role);
    if (c == null || c.isNull()) {
      certs.remove(role);
      return;
    }
    String thumbprint = null;
    if (c.path("info").hasNonNull("sha256Thumbprint")) {
      thumbprint = c.path("info").get("sha256Thumbprint").asText();
    } else if (c.hasNonNull("certificate")) {
      try {
        thumbprint = PemCertificates.sha256(PemCertificates.first(c.get("certificate").asText()));
      } catch (IllegalArgumentException e) {
        thumbprint = "unparseable";
      }
    }
    ObjectNode replaced = certs.objectNode();
    if (thumbprint != null) {
      replaced.put("sha256", thumbprint.toUpperCase(Locale.ROOT).replace(":", ""));
    }
    certs.set(role, replaced);
  }

  /** Twin metadata the service may add ({@code $metadata}, {@code $version}) is not the spec's. */
  private static void stripServiceMembers(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> service = new ArrayList<>();
      o.fieldNames()
          .forEachRemaining(
              name -> {
                if (name.startsWith("$")) {
                  service.add(name);
                }
              });
      o.remove(service);
      o.elements().forEachRemaining(RecordDiff::stripServiceMembers);
    }
  }

  /** Drops nulls and empty objects and arrays, so absence and emptiness compare equal. */
  private static void prune(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> drop = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        prune(e.getValue());
        JsonNode v = e.getValue();
        if (v.isNull() || (v.isContainerNode() && v.isEmpty())) {
          drop.add(e.getKey());
        }
      }
      o.remove(drop);
    }
  }
}
