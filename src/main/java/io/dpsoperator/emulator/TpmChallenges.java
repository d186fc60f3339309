package io.dpsoperator.emulator;

import static io.dpsoperator.emulator.EnrollmentCodec.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.emulator.Http.Response;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TPM attestation of the device API: answers a register call that carries the device's endorsement
 * and storage root keys (and no SAS) with DPS's 401 challenge, keeps the identity key it issued per
 * registration id, and checks later SAS tokens against it.
 */
final class TpmChallenges {
  private static final Logger LOG = LoggerFactory.getLogger(TpmChallenges.class);

  /** What was issued to a registration id: for the enrolled EK, the key and the blob. */
  private record Issued(String endorsementKey, byte[] identityKey, String authenticationKey) {}

  private final String idScope;
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  TpmChallenges(String idScope) {
    this.idScope = idScope;
  }

  /** True for the first call of the TPM flow: TPM keys in the body and no Authorization. */
  static boolean wantsChallenge(JsonNode body, String authorization) {
    return authorization == null && body != null && body.path("tpm").isObject();
  }

  static boolean isTpm(ObjectNode enrollment) {
    return enrollment != null && "tpm".equals(enrollment.path("attestation").path("type").asText());
  }

  /**
   * The 401 answer with the {@code authenticationKey} for an enrolled TPM device: a new HMAC
   * identity key, sealed to the enrolled endorsement key and the presented storage root key.
   *
   * @param tpm the {@code tpm} block of the register body
   * @param enrollment the individual enrollment of the registration id (a copy), or null
   */
  Response challenge(String registrationId, JsonNode tpm, ObjectNode enrollment) {
    String blob =
        issue(
            registrationId,
            presented(tpm, "endorsementKey"),
            presented(tpm, "storageRootKey"),
            enrollment);
    ObjectNode body = Json.object();
    body.put("authenticationKey", blob);
    body.put("keyName", "registration");
    body.put("errorCode", 401002);
    body.put("message", "Unauthorized: activate the authentication key and sign with it");
    return Response.of(401, body).header("x-ms-error-code", "401002");
  }

  /**
   * The base64 {@code authenticationKey} blob for an enrolled TPM device (the one implementation
   * behind the HTTPS 401 challenge and the AMQP SASL TPM mechanism): a new HMAC identity key,
   * sealed to the enrolled endorsement key and the presented storage root key, remembered for
   * {@link #verify}.
   *
   * @throws ApiException.UnauthorizedException when the id has no TPM enrollment or the keys are
   *     not the enrolled ones
   */
  String issue(String registrationId, TpmPublic presentedEk, TpmPublic srk, ObjectNode enrollment) {
    if (!isTpm(enrollment)) {
      throw ApiException.unauthorized("no TPM enrollment for registration id " + registrationId);
    }
    JsonNode enrolled = enrollment.path("attestation").path("tpm");
    String enrolledEkText = enrolled.path("endorsementKey").asText();
    TpmPublic ek;
    try {
      ek = TpmPublic.parseRsa(Base64.getDecoder().decode(enrolledEkText));
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized(
          "the enrolled endorsement key of " + registrationId + " is unusable: " + e.getMessage());
    }
    if (!ek.sameKey(presentedEk)) {
      throw ApiException.unauthorized(
          "endorsement key differs from the enrollment of " + registrationId);
    }
    String enrolledSrk = enrolled.path("storageRootKey").asText(null);
    if (enrolledSrk != null && !enrolledSrk.isBlank()) {
      TpmPublic expected;
      try {
        expected = TpmPublic.parseRsa(Base64.getDecoder().decode(enrolledSrk));
      } catch (IllegalArgumentException e) {
        expected = null;
      }
      if (expected == null || !expected.sameKey(srk)) {
        throw ApiException.unauthorized(
            "storage root key differs from the enrollment of " + registrationId);
      }
    }
    byte[] identityKey = new byte[TpmActivation.IDENTITY_KEY_BYTES];
    random.nextBytes(identityKey);
    String blob =
        Base64.getEncoder()
            .encodeToString(
                TpmActivation.authenticationKey(
                    ek, srk, identityKey, idScope.getBytes(StandardCharsets.UTF_8), random));
    issued.put(key(registrationId), new Issued(enrolledEkText, identityKey, blob));
    LOG.atInfo().addKeyValue("registrationId", registrationId).log("Issued TPM challenge");
    return blob;
  }

  /**
   * The device-result block {@code {"tpm": {"authenticationKey"}}} when {@code token} is signed
   * with the identity key issued to this registration for the enrollment's current endorsement key;
   * null otherwise.
   */
  ObjectNode verify(Sas.Token token, String registrationId, ObjectNode enrollment) {
    Issued i = issued.get(key(registrationId));
    if (i == null
        || !i.endorsementKey()
            .equals(enrollment.path("attestation").path("tpm").path("endorsementKey").asText())
        || !Sas.verify(token, i.identityKey())) {
      return null;
    }
    ObjectNode result = Json.object();
    result.putObject("tpm").put("authenticationKey", i.authenticationKey());
    return result;
  }

  private static TpmPublic presented(JsonNode tpm, String field) {
    String text = Json.text(tpm, field);
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("tpm." + field + " is required (base64 TPM2B_PUBLIC)");
    }
    try {
      return TpmPublic.parseRsa(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "tpm." + field + " is not a base64 TPM2B_PUBLIC of an RSA key: " + e.getMessage());
    }
  }
}
