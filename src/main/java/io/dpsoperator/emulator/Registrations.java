package io.dpsoperator.emulator;

import static io.dpsoperator.emulator.EnrollmentCodec.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.emulator.Http.Response;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device registration as DPS defines it, whatever the transport: authentication of a device's
 * credentials against the enrollments, register, operation status and registration status lookup.
 * The HTTPS device API and the MQTT listener both call it; answers are the HTTPS API's status, JSON
 * body and headers, errors are {@link ApiException}s.
 */
final class Registrations {
  private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

  /**
   * What a device presented: a SAS token (HTTPS {@code Authorization} header, MQTT password) or,
   * when there is none, the client certificate chain of the TLS handshake (leaf first).
   */
  record Credentials(String sasToken, List<X509Certificate> certificates) {
    Credentials {
      certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }
  }

  /** The enrollment a device's credentials matched. */
  record Match(
      ObjectNode enrollment,
      boolean group,
      String groupId,
      boolean disabled,
      ObjectNode attestationResult,
      ObjectNode runtimeAttestation) {}

  /**
   * How the device reached the emulator. The TPM challenge is a register call over HTTPS only; DPS
   * has none over MQTT, and over AMQP it runs inside SASL ({@link
   * Registrations#tpmAuthenticationKey}), so a register call there never carries a {@code tpm}
   * body.
   */
  enum Transport {
    HTTPS,
    MQTT,
    AMQP
  }

  /** Credentials that match no enrollment: the registration fails (404201), as in DPS. */
  static final class NoEnrollmentException extends ApiException {
    private static final long serialVersionUID = 1L;
    final String reason;

    NoEnrollmentException(String reason) {
      super(401, 401002, "Unauthorized");
      this.reason = reason;
    }
  }

  private final EmulatorConfig config;
  private final EmulatorState state;
  private final Assignments assignments;
  private final RateLimiter registrationLimiter;
  private final String retryAfter;
  private final PollLimiter pollLimiter;
  private final TpmChallenges tpm;

  Registrations(
      EmulatorConfig config,
      EmulatorState state,
      Allocator allocator,
      RateLimiter registrationLimiter,
      Duration assignmentDelay,
      Duration retryAfter,
      int pollsPerDevicePer10Seconds) {
    this.config = config;
    this.state = state;
    this.assignments = new Assignments(config, state, allocator, assignmentDelay);
    this.registrationLimiter = registrationLimiter;
    this.tpm = new TpmChallenges(config.idScope());
    this.retryAfter = Long.toString(Math.max(0, retryAfter.toSeconds()));
    this.pollLimiter = new PollLimiter(pollsPerDevicePer10Seconds, config.clock());
  }

  /** 401 unless {@code scope} is this instance's ID scope. */
  void checkScope(String scope) {
    if (!scope.equalsIgnoreCase(config.idScope())) {
      throw ApiException.unauthorized("unknown ID scope " + scope);
    }
  }

  // ---------------------------------------------------------------- operations

  /**
   * Registers a device: {@code body} is the {@code DeviceRegistration} (may be null); {@code host}
   * is the host name the device used (for the {@code Location} header), or null. A {@code tpm} body
   * without a SAS token gets the TPM challenge over HTTPS and a 400 over other transports.
   */
  Response register(
      String registrationId,
      JsonNode body,
      Credentials credentials,
      String host,
      Transport transport) {
    long wait = registrationLimiter.tryAcquire();
    if (wait > 0) {
      throw new ApiException(429, 429001, "Too many registrations; retry later")
          .header("Retry-After", Long.toString(wait));
    }
    if (body != null && !body.isObject()) {
      throw ApiException.badRequest("The request body must be a DeviceRegistration object");
    }
    String bodyId = Json.text(body, "registrationId");
    if (bodyId != null && !bodyId.equalsIgnoreCase(registrationId)) {
      throw ApiException.badRequest(
          "registrationId '" + bodyId + "' in the body does not match the path");
    }
    EnrollmentCodec.validateId(registrationId, "registrationId");
    JsonNode payload = payload(body);
    if (transport != Transport.HTTPS && body != null && Json.present(body, "tpm")) {
      throw tpmUnsupported(transport);
    }
    if (TpmChallenges.wantsChallenge(body, credentials.sasToken())) {
      ObjectNode individual;
      synchronized (state) {
        ObjectNode stored = state.enrollments.get(key(registrationId));
        individual = stored == null ? null : stored.deepCopy();
      }
      return tpm.challenge(registrationId, body.get("tpm"), individual);
    }
    Operations.Operation op;
    try {
      op =
          assignments.start(
              authenticate(registrationId, body, credentials), registrationId, payload);
    } catch (NoEnrollmentException e) {
      LOG.atInfo()
          .addKeyValue("registrationId", registrationId)
          .addKeyValue("reason", e.reason)
          .log("Found no enrollment");
      op = assignments.noEnrollment(registrationId);
    }
    String operationId = op.id();
    ObjectNode answer = Json.object();
    answer.put("operationId", operationId);
    answer.put("status", "assigning");
    Response response = Response.of(202, answer).header("Retry-After", retryAfter);
    if (host != null) {
      response.header(
          "Location",
          "https://"
              + host
              + "/"
              + config.idScope()
              + "/registrations/"
              + registrationId
              + "/register");
    }
    return response;
  }

  /**
   * The TPM challenge outside a register call (AMQP's SASL TPM mechanism): the raw {@code
   * authenticationKey} blob issued to {@code registrationId} for the presented endorsement and
   * storage root keys (TPM2B_PUBLIC bytes), the same blob the HTTPS 401 carries.
   *
   * @throws ApiException when the scope, the id or a key is not usable, or the keys are not those
   *     of a TPM enrollment of the id
   */
  byte[] tpmAuthenticationKey(
      String scope, String registrationId, byte[] endorsementKey, byte[] storageRootKey) {
    checkScope(scope);
    EnrollmentCodec.validateId(registrationId, "registrationId");
    TpmPublic ek = tpmPublic(endorsementKey, "endorsement key");
    TpmPublic srk = tpmPublic(storageRootKey, "storage root key");
    ObjectNode individual;
    synchronized (state) {
      ObjectNode stored = state.enrollments.get(key(registrationId));
      individual = stored == null ? null : stored.deepCopy();
    }
    return Base64.getDecoder().decode(tpm.issue(registrationId, ek, srk, individual));
  }

  private static TpmPublic tpmPublic(byte[] bytes, String what) {
    try {
      return TpmPublic.parseRsa(bytes);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "The " + what + " is not a TPM2B_PUBLIC of an RSA key: " + e.getMessage());
    }
  }

  /** The state of an operation started by {@link #register}. */
  Response operationStatus(String registrationId, String operationId, Credentials credentials) {
    Operations.Operation op = state.operations.get(operationId);
    try {
      authenticate(registrationId, null, credentials);
    } catch (NoEnrollmentException e) {
      // A device with no enrollment polls the failed operation its register call started.
      if (op == null
          || op.result() == null
          || !Integer.valueOf(Assignments.NO_ENROLLMENT).equals(op.result().errorCode())) {
        throw ApiException.unauthorized(e.reason);
      }
    }
    long wait = pollLimiter.tryAcquire(key(registrationId));
    if (wait > 0) {
      throw new ApiException(
              429, 429001, "Too many operation status polls for this device; retry later")
          .header("Retry-After", Long.toString(wait));
    }
    if (op == null || !op.registrationKey().equals(key(registrationId))) {
      throw ApiException.notFound("Operation '" + operationId + "' not found");
    }
    ObjectNode answer = Json.object();
    answer.put("operationId", operationId);
    if (op.assigning(config.clock().instant())) {
      answer.put("status", "assigning");
      return Response.of(202, answer).header("Retry-After", retryAfter);
    }
    answer.put("status", op.result().status());
    answer.set("registrationState", op.result().toDeviceJson());
    return Response.of(200, answer);
  }

  /** The device's registration record ({@code DeviceRegistrationResult}). */
  Response statusLookup(String registrationId, JsonNode body, Credentials credentials) {
    try {
      authenticate(registrationId, body, credentials);
    } catch (NoEnrollmentException e) {
      throw ApiException.unauthorized(e.reason);
    }
    synchronized (state) {
      Registration reg = state.registrations.get(key(registrationId));
      if (reg == null) {
        throw ServiceApi.registrationNotFound(registrationId);
      }
      return Response.of(200, reg.toDeviceJson());
    }
  }

  /** Payload given as a JSON object, or as a string holding JSON (the Java SDK's way). */
  static JsonNode payload(JsonNode body) {
    JsonNode p = body == null ? null : body.get("payload");
    if (p == null || p.isNull()) {
      return null;
    }
    if (p.isTextual()) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(p.asText());
        return parsed == null ? p : parsed;
      } catch (IOException e) {
        return p;
      }
    }
    return p;
  }

  // ---------------------------------------------------------------- authentication

  private static ApiException tpmUnsupported(Transport transport) {
    return ApiException.badRequest(
        transport == Transport.AMQP
            ? "A register call over AMQP carries no tpm body (as in DPS): TPM devices take the"
                + " challenge in SASL (mechanism TPM) or over HTTPS"
            : "TPM attestation is not supported over "
                + transport
                + " (as in DPS); register TPM devices over HTTPS or AMQP");
  }

  /**
   * The enrollment the credentials authenticate for {@code registrationId}; 401 if none ({@link
   * NoEnrollmentException} when no enrollment exists for the device at all).
   */
  Match authenticate(String registrationId, JsonNode body, Credentials credentials) {
    String authorization = credentials.sasToken();
    List<X509Certificate> certs = authorization == null ? credentials.certificates() : List.of();
    synchronized (state) {
      ObjectNode individual = state.enrollments.get(key(registrationId));
      if (authorization != null) {
        return sasMatch(authorization, registrationId, individual);
      }
      if (!certs.isEmpty()) {
        return x509Match(certs, registrationId, individual);
      }
    }
    throw ApiException.unauthorized("no SAS token and no client certificate");
  }

  private static boolean disabled(ObjectNode enrollment) {
    return "disabled".equals(enrollment.path("provisioningStatus").asText());
  }

  private Match sasMatch(String authorization, String registrationId, ObjectNode individual) {
    Sas.Token token = Sas.parse(authorization);
    if (token == null) {
      throw ApiException.unauthorized("malformed SharedAccessSignature");
    }
    String resource = token.sr().startsWith("/") ? token.sr().substring(1) : token.sr();
    if (!resource.equalsIgnoreCase(config.idScope() + "/registrations/" + registrationId)) {
      throw ApiException.unauthorized("token resource " + token.sr() + " does not match the path");
    }
    if (token.se() < config.clock().instant().getEpochSecond()) {
      throw ApiException.unauthorized("token expired at se=" + token.se());
    }
    if (individual != null && TpmChallenges.isTpm(individual)) {
      ObjectNode result = tpm.verify(token, registrationId, individual);
      if (result != null) {
        return new Match(individual, false, null, disabled(individual), result, tpmContext());
      }
    }
    if (individual != null) {
      JsonNode keys = individual.path("attestation").path("symmetricKey");
      if (verifyAny(
          token, keys.path("primaryKey").asText(null), keys.path("secondaryKey").asText(null))) {
        return new Match(individual, false, null, disabled(individual), null, symmetricContext());
      }
      if (!disabled(individual)) {
        throw ApiException.unauthorized(
            "SAS does not match individual enrollment " + registrationId);
      }
    }
    List<Map.Entry<String, ObjectNode>> groups = new ArrayList<>(state.groups.entrySet());
    groups.sort(Map.Entry.comparingByKey());
    for (Map.Entry<String, ObjectNode> e : groups) {
      ObjectNode group = e.getValue();
      JsonNode keys = group.path("attestation").path("symmetricKey");
      if (!keys.isObject()) {
        continue;
      }
      String p = keys.path("primaryKey").asText(null);
      String s = keys.path("secondaryKey").asText(null);
      if (verifyAny(
          token,
          p == null ? null : Sas.deriveDeviceKey(p, registrationId),
          s == null ? null : Sas.deriveDeviceKey(s, registrationId))) {
        if (individual != null) {
          // A disabled individual enrollment blocks the group path.
          return new Match(individual, false, null, true, null, symmetricContext());
        }
        String groupId = group.get(EnrollmentCodec.GROUP_ID).asText();
        ObjectNode result = Json.object();
        result.putObject("symmetricKey").put("enrollmentGroupId", groupId);
        return new Match(group, true, groupId, disabled(group), result, symmetricContext());
      }
    }
    throw individual == null
        ? new NoEnrollmentException("SAS matches no enrollment for " + registrationId)
        : ApiException.unauthorized("SAS matches no enrollment for " + registrationId);
  }

  private static ObjectNode symmetricContext() {
    ObjectNode ctx = Json.object();
    ctx.putObject("symmetricKey");
    return ctx;
  }

  private static ObjectNode tpmContext() {
    ObjectNode ctx = Json.object();
    ctx.putObject("tpm");
    return ctx;
  }

  private static boolean verifyAny(Sas.Token token, String... base64Keys) {
    for (String k : base64Keys) {
      if (k != null && !k.isEmpty()) {
        try {
          if (Sas.verify(token, java.util.Base64.getDecoder().decode(k))) {
            return true;
          }
        } catch (IllegalArgumentException e) {
          // not a key
        }
      }
    }
    return false;
  }

  private Match x509Match(
      List<X509Certificate> presented, String registrationId, ObjectNode individual) {
    Instant now = config.clock().instant();
    X509Certificate leaf = presented.get(0);
    String cn = CertificateAuthority.commonName(leaf);
    if (!cn.equalsIgnoreCase(registrationId)) {
      throw ApiException.unauthorized(
          "certificate CN " + cn + " differs from registration id " + registrationId);
    }
    if (!X509Support.validAt(leaf, now)) {
      throw ApiException.unauthorized("device certificate is expired or not yet valid");
    }
    ObjectNode leafInfo = X509Support.info(leaf);
    if (individual != null) {
      JsonNode certs = individual.path("attestation").path("x509").path("clientCertificates");
      for (String slot : List.of("primary", "secondary")) {
        JsonNode entry = certs.path(slot);
        if (entry.isObject()
            && X509Support.thumbprintMatches(
                leaf, entry.path("info").path("sha256Thumbprint").asText(null))) {
          ObjectNode result = Json.object();
          result.putObject("x509").set("certificateInfo", leafInfo);
          return new Match(
              individual, false, null, disabled(individual), result, x509Context(leafInfo));
        }
      }
      if (!disabled(individual)) {
        throw ApiException.unauthorized(
            "certificate does not match individual enrollment " + registrationId);
      }
    }
    List<X509Certificate> chain = X509Support.verifiedPrefix(presented, now);
    List<Map.Entry<String, ObjectNode>> groups = new ArrayList<>(state.groups.entrySet());
    groups.sort(Map.Entry.comparingByKey());
    for (X509Certificate link : chain) {
      for (Map.Entry<String, ObjectNode> e : groups) {
        ObjectNode group = e.getValue();
        for (X509Certificate signer : signers(group)) {
          if (X509Support.validAt(signer, now) && X509Support.signedBy(link, signer)) {
            if (individual != null) {
              return new Match(individual, false, null, true, null, x509Context(leafInfo));
            }
            String groupId = group.get(EnrollmentCodec.GROUP_ID).asText();
            ObjectNode result = Json.object();
            ObjectNode x = result.putObject("x509");
            x.set("certificateInfo", leafInfo);
            x.put("enrollmentGroupId", groupId);
            x.set("signingCertificateInfo", X509Support.info(signer));
            return new Match(group, true, groupId, disabled(group), result, x509Context(leafInfo));
          }
        }
      }
    }
    String why = "certificate chain of " + registrationId + " reaches no enrollment group";
    throw individual == null ? new NoEnrollmentException(why) : ApiException.unauthorized(why);
  }

  private List<X509Certificate> signers(ObjectNode group) {
    JsonNode x = group.path("attestation").path("x509");
    List<X509Certificate> out = new ArrayList<>();
    for (String slot : List.of("primary", "secondary")) {
      String der = x.path("signingCertificates").path(slot).path("certificate").asText(null);
      if (der != null) {
        out.add(CertificateAuthority.parseCertificate(der));
      }
      String ref = x.path("caReferences").path(slot).asText(null);
      if (ref != null) {
        config.verifiedCas().entrySet().stream()
            .filter(ca -> ca.getKey().equalsIgnoreCase(ref))
            .forEach(ca -> out.add(ca.getValue()));
      }
    }
    return out;
  }

  private static ObjectNode x509Context(ObjectNode leafInfo) {
    ObjectNode ctx = Json.object();
    ctx.putObject("x509").set("certificateInfo", leafInfo);
    return ctx;
  }
}
