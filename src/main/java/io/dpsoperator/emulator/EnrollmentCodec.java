package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns enrollment and group request bodies into stored records (validated, read-only fields
 * ignored, keys generated, certificates parsed) and stored records into responses.
 */
final class EnrollmentCodec {
  static final String REGISTRATION_ID = "registrationId";
  static final String GROUP_ID = "enrollmentGroupId";

  /**
   * The REST reference: a case-insensitive string of up to 128 alphanumerics and {@code . _ -},
   * without a special character at the start or the end. {@code :} is also accepted inside an id,
   * as the device concepts page lists it.
   */
  private static final Pattern ID =
      Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9\\-._:]{0,126}[A-Za-z0-9])?$");

  private static final List<String> POLICIES = List.of("hashed", "geoLatency", "static", "custom");

  private final List<String> linkedHubs;
  private final List<String> verifiedCas;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param verifiedCas the names of the CA certificates on the instance, which {@code caReferences}
   *     must name
   */
  EnrollmentCodec(List<String> linkedHubs, java.util.Collection<String> verifiedCas, Clock clock) {
    this.linkedHubs = linkedHubs;
    this.verifiedCas = verifiedCas.stream().sorted().toList();
    this.clock = clock;
  }

  static void validateId(String id, String what) {
    if (id == null || !ID.matcher(id).matches()) {
      throw ApiException.badRequest(
          "Invalid "
              + what
              + " '"
              + id
              + "': up to 128 letters, digits and - . _ :, starting and ending with a letter or"
              + " a digit");
    }
  }

  static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  /** A new symmetric key: 64 random bytes, base64. */
  String generateKey() {
    byte[] bytes = new byte[64];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Validates a request body and builds the record to store. */
  ObjectNode normalize(boolean group, String pathId, JsonNode body, ObjectNode existing) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("The request body must be a JSON object");
    }
    String idField = group ? GROUP_ID : REGISTRATION_ID;
    String bodyId = Json.text(body, idField);
    if (bodyId != null && !bodyId.equalsIgnoreCase(pathId)) {
      throw ApiException.badRequest(
          idField + " '" + bodyId + "' in the body does not match '" + pathId + "' in the path");
    }
    String now = Json.now(clock);
    ObjectNode out = Json.object();
    out.put(idField, existing != null ? existing.get(idField).asText() : pathId);
    if (!group && Json.present(body, "deviceId")) {
      String deviceId = body.get("deviceId").asText();
      if (deviceId.length() > 128 || !deviceId.matches("[A-Za-z0-9\\-.+%_#*?!(),:=@$']*")) {
        throw ApiException.badRequest("Invalid deviceId '" + deviceId + "'");
      }
      if (!deviceId.isEmpty()) {
        out.put("deviceId", deviceId);
      }
    }
    if (!Json.present(body, "attestation")) {
      throw ApiException.badRequest("attestation is required");
    }
    out.set(
        "attestation",
        attestation(
            group,
            body.get("attestation"),
            existing == null ? null : (ObjectNode) existing.get("attestation")));
    ObjectNode capabilities = Json.object();
    capabilities.put("iotEdge", bool(body.path("capabilities"), "iotEdge", false));
    out.set("capabilities", capabilities);
    if (Json.present(body, "iotHubHostName")) {
      out.put("iotHubHostName", linkedHub(body.get("iotHubHostName").asText()));
    }
    if (Json.present(body, "initialTwin")) {
      requireObject(body, "initialTwin");
      out.set("initialTwin", body.get("initialTwin"));
    }
    out.put("etag", Json.newEtag());
    String status = Json.text(body, "provisioningStatus");
    if (status == null) {
      status = "enabled";
    } else if (!status.equals("enabled") && !status.equals("disabled")) {
      throw ApiException.badRequest(
          "provisioningStatus must be 'enabled' or 'disabled', not '" + status + "'");
    }
    out.put("provisioningStatus", status);
    ObjectNode reprovision = Json.object();
    JsonNode rp = body.path("reprovisionPolicy");
    reprovision.put("updateHubAssignment", bool(rp, "updateHubAssignment", true));
    reprovision.put("migrateDeviceData", bool(rp, "migrateDeviceData", true));
    out.set("reprovisionPolicy", reprovision);
    out.put(
        "createdDateTimeUtc", existing != null ? existing.get("createdDateTimeUtc").asText() : now);
    out.put("lastUpdatedDateTimeUtc", now);
    String policy = Json.text(body, "allocationPolicy");
    if (policy != null) {
      String canonical =
          POLICIES.stream().filter(p -> p.equalsIgnoreCase(policy)).findFirst().orElse(null);
      if (canonical == null) {
        throw ApiException.badRequest(
            "allocationPolicy must be one of " + POLICIES + ", not '" + policy + "'");
      }
      out.put("allocationPolicy", canonical);
    }
    if (Json.present(body, "iotHubs")) {
      if (!body.get("iotHubs").isArray()) {
        throw ApiException.badRequest("iotHubs must be an array of IoT hub host names");
      }
      ArrayNode hubs = out.putArray("iotHubs");
      body.get("iotHubs").forEach(h -> hubs.add(linkedHub(h.asText())));
    }
    if ("static".equals(out.path("allocationPolicy").asText()) && out.path("iotHubs").size() > 1) {
      throw ApiException.badRequest("The static allocation policy needs exactly one IoT hub");
    }
    if (Json.present(body, "customAllocationDefinition")) {
      JsonNode def = body.get("customAllocationDefinition");
      String url = Json.text(def, "webhookUrl");
      String apiVersion = Json.text(def, "apiVersion");
      if (url == null || apiVersion == null) {
        throw ApiException.badRequest("customAllocationDefinition needs webhookUrl and apiVersion");
      }
      try {
        URI uri = URI.create(url);
        if (uri.getScheme() == null
            || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
            || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Invalid webhookUrl '" + url + "': " + e.getMessage());
      }
      ObjectNode d = out.putObject("customAllocationDefinition");
      d.put("webhookUrl", url);
      d.put("apiVersion", apiVersion);
    }
    if ("custom".equals(out.path("allocationPolicy").asText())
        && !out.has("customAllocationDefinition")) {
      throw ApiException.badRequest(
          "The custom allocation policy needs a customAllocationDefinition");
    }
    if (!group && Json.present(body, "optionalDeviceInformation")) {
      requireObject(body, "optionalDeviceInformation");
      out.set("optionalDeviceInformation", body.get("optionalDeviceInformation"));
    }
    return out;
  }

  /** A CA name as given, if the instance has a CA of that name (compared case-insensitively). */
  private String verifiedCa(String name, String slot) {
    if (verifiedCas.stream().noneMatch(ca -> ca.equalsIgnoreCase(name))) {
      throw ApiException.badRequest(
          "caReferences."
              + slot
              + ": no CA certificate named '"
              + name
              + "' is verified on this DPS instance (verified: "
              + verifiedCas
              + ")");
    }
    return name;
  }

  private String linkedHub(String host) {
    for (String hub : linkedHubs) {
      if (hub.equalsIgnoreCase(host)) {
        return hub;
      }
    }
    throw ApiException.badRequest(
        "iotHubs: IoT hub '"
            + host
            + "' is not linked to this DPS instance (linked: "
            + linkedHubs
            + ")");
  }

  private static void requireObject(JsonNode body, String field) {
    if (!body.get(field).isObject()) {
      throw ApiException.badRequest(field + " must be a JSON object");
    }
  }

  private static boolean bool(JsonNode node, String field, boolean dflt) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest(field + " must be true or false");
    }
    return v.asBoolean();
  }

  private ObjectNode attestation(boolean group, JsonNode in, ObjectNode existing) {
    if (!in.isObject()) {
      throw ApiException.badRequest("attestation must be a JSON object");
    }
    String type = Json.text(in, "type");
    if (type == null) {
      throw ApiException.badRequest("attestation.type is required");
    }
    String existingType = existing == null ? null : Json.text(existing, "type");
    ObjectNode out = Json.object();
    switch (type.toLowerCase(Locale.ROOT)) {
      case "symmetrickey" -> {
        out.put("type", "symmetricKey");
        JsonNode sk = in.path("symmetricKey");
        JsonNode old = "symmetricKey".equals(existingType) ? existing.get("symmetricKey") : null;
        ObjectNode keys = out.putObject("symmetricKey");
        keys.put("primaryKey", keyOrDefault(Json.text(sk, "primaryKey"), old, "primaryKey"));
        keys.put("secondaryKey", keyOrDefault(Json.text(sk, "secondaryKey"), old, "secondaryKey"));
      }
      case "x509" -> {
        out.put("type", "x509");
        JsonNode x = in.get("x509");
        if (x == null || !x.isObject()) {
          throw ApiException.badRequest("attestation.x509 is required for type x509");
        }
        JsonNode oldX = "x509".equals(existingType) ? existing.get("x509") : null;
        boolean client = Json.present(x, "clientCertificates");
        boolean signing = Json.present(x, "signingCertificates");
        boolean ca = Json.present(x, "caReferences");
        if ((client ? 1 : 0) + (signing ? 1 : 0) + (ca ? 1 : 0) != 1) {
          throw ApiException.badRequest(
              "x509 needs exactly one of clientCertificates, signingCertificates, caReferences");
        }
        if (group && client) {
          throw ApiException.badRequest(
              "An enrollment group uses signingCertificates or caReferences, not clientCertificates");
        }
        if (!group && !client) {
          throw ApiException.badRequest("An individual enrollment uses x509.clientCertificates");
        }
        ObjectNode ox = out.putObject("x509");
        ox.set(
            "clientCertificates", client ? certificates(x.get("clientCertificates"), oldX) : null);
        ox.set(
            "signingCertificates",
            signing ? certificates(x.get("signingCertificates"), oldX) : null);
        if (ca) {
          JsonNode refs = x.get("caReferences");
          String primary = Json.text(refs, "primary");
          if (primary == null || primary.isBlank()) {
            throw ApiException.badRequest("caReferences.primary is required");
          }
          ObjectNode r = ox.putObject("caReferences");
          r.put("primary", verifiedCa(primary, "primary"));
          String secondary = Json.text(refs, "secondary");
          if (secondary != null && !secondary.isBlank()) {
            r.put("secondary", verifiedCa(secondary, "secondary"));
          }
        } else {
          ox.putNull("caReferences");
        }
      }
      case "tpm" -> {
        if (group) {
          throw ApiException.badRequest("Enrollment groups do not support TPM attestation");
        }
        out.put("type", "tpm");
        JsonNode tpm = in.path("tpm");
        String ek = Json.text(tpm, "endorsementKey");
        if (ek == null || ek.isBlank() || !isBase64(ek)) {
          throw ApiException.badRequest("tpm.endorsementKey is required (base64)");
        }
        ObjectNode t = out.putObject("tpm");
        t.put("endorsementKey", ek);
        String srk = Json.text(tpm, "storageRootKey");
        if (srk != null && !srk.isBlank()) {
          if (!isBase64(srk)) {
            throw ApiException.badRequest("tpm.storageRootKey must be base64");
          }
          t.put("storageRootKey", srk);
        }
      }
      default ->
          throw ApiException.badRequest(
              "attestation.type must be symmetricKey, x509 or tpm, not '" + type + "'");
    }
    return out;
  }

  private String keyOrDefault(String given, JsonNode old, String field) {
    if (given == null || given.isEmpty()) {
      // An update without keys keeps the stored ones, so echoing back a GET (which hides keys)
      // never rotates them; a create generates them.
      String kept = Json.text(old, field);
      return kept != null ? kept : generateKey();
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(given);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field + " is not valid base64");
    }
    if (raw.length < 16 || raw.length > 64) {
      throw ApiException.badRequest(
          field + " must be the base64 encoding of 16 to 64 bytes, not " + raw.length);
    }
    return given;
  }

  private static boolean isBase64(String s) {
    try {
      Base64.getMimeDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private ObjectNode certificates(JsonNode in, JsonNode oldX509) {
    if (!in.isObject() || !Json.present(in, "primary")) {
      throw ApiException.badRequest("X.509 certificates need a primary certificate");
    }
    ObjectNode out = Json.object();
    out.set("primary", certificate(in.get("primary"), oldX509));
    if (Json.present(in, "secondary")) {
      out.set("secondary", certificate(in.get("secondary"), oldX509));
    } else {
      out.putNull("secondary");
    }
    return out;
  }

  private ObjectNode certificate(JsonNode in, JsonNode oldX509) {
    String text = Json.text(in, "certificate");
    if (text != null && !text.isBlank()) {
      X509Certificate cert;
      try {
        cert = CertificateAuthority.parseCertificate(text);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      ObjectNode out = Json.object();
      out.put("certificate", X509Support.der64(cert));
      out.set("info", X509Support.info(cert));
      return out;
    }
    // A record read back from GET carries only info: keep the stored certificate it names.
    String sha1 = Json.text(in.path("info"), "sha1Thumbprint");
    String sha256 = Json.text(in.path("info"), "sha256Thumbprint");
    if (oldX509 != null) {
      for (String section : List.of("clientCertificates", "signingCertificates")) {
        for (String slot : List.of("primary", "secondary")) {
          JsonNode old = oldX509.path(section).path(slot);
          if (old.isObject()
              && (matches(sha1, old.path("info").path("sha1Thumbprint").asText())
                  || matches(sha256, old.path("info").path("sha256Thumbprint").asText()))) {
            return old.deepCopy();
          }
        }
      }
    }
    throw ApiException.badRequest(
        "X.509 certificate entries need a certificate (PEM or base64 DER)");
  }

  private static boolean matches(String a, String b) {
    return a != null && !a.isEmpty() && a.equalsIgnoreCase(b);
  }

  // ---------------------------------------------------------------- rendering

  /** The record as answered by the API: certificates reduced to info, keys shown or hidden. */
  ObjectNode render(ObjectNode stored, boolean showKeys, Registration registration) {
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) stored::fields) {
      if (e.getKey().equals("attestation")) {
        out.set("attestation", renderAttestation((ObjectNode) e.getValue(), showKeys));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
      if (registration != null && e.getKey().equals(REGISTRATION_ID)) {
        out.set("registrationState", registration.toServiceJson());
      }
    }
    return out;
  }

  ObjectNode renderAttestation(ObjectNode attestation, boolean showKeys) {
    ObjectNode a = attestation.deepCopy();
    if (!showKeys && a.has("symmetricKey")) {
      a.putObject("symmetricKey");
    }
    JsonNode x = a.get("x509");
    if (x != null) {
      for (String section : List.of("clientCertificates", "signingCertificates")) {
        for (String slot : List.of("primary", "secondary")) {
          JsonNode c = x.path(section).path(slot);
          if (c.isObject()) {
            ((ObjectNode) c).remove("certificate");
          }
        }
      }
    }
    return a;
  }
}
