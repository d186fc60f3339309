package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated Microsoft Entra ID tenant: an OpenID configuration, a key set and a token endpoint
 * at {@code /{tenant}/...} of the emulator's HTTPS port. The token endpoint takes the
 * client-credentials grant with a {@code client_assertion} as Azure workload identity sends it,
 * checks the assertion against the federated credentials it was given (issuer, subject, audience,
 * and the issuer's public keys), and issues RS256 access tokens for DPS carrying the app's roles.
 * The service API checks those tokens with {@link #authenticate(String)}. Tokens and assertions are
 * never logged.
 */
final class EntraIssuer {
  private static final Logger LOG = LoggerFactory.getLogger(EntraIssuer.class);

  /** The audience of access tokens for DPS. */
  static final String DPS_AUDIENCE = "https://azure-devices-provisioning.net";

  static final String DPS_SCOPE = DPS_AUDIENCE + "/.default";
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /** A federated identity credential: the app {@code clientId} trusts these external tokens. */
  record FederatedCredential(String clientId, String issuer, String subject, String audience) {}

  /** What the tenant knows. */
  record Settings(
      String tenant,
      List<FederatedCredential> federatedCredentials,
      Map<String, List<PublicKey>> issuerKeys,
      Map<String, Set<EntraRole>> roles,
      Duration tokenLifetime) {}

  private final Settings settings;
  private volatile String authority = "https://localhost/";
  private final Clock clock;
  private final KeyPair signingKey;
  private final String kid;
  private final AtomicInteger issued = new AtomicInteger();

  EntraIssuer(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      this.signingKey = g.generateKeyPair();
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(((RSAPublicKey) signingKey.getPublic()).getModulus().toByteArray());
      this.kid = Jwt.base64Url(digest).substring(0, 27);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not make the token signing key", e);
    }
  }

  /** Sets the emulator's base URL once it listens, e.g. {@code https://localhost:8443/}. */
  void bind(String authority) {
    this.authority = authority.endsWith("/") ? authority : authority + "/";
  }

  /** The issuer of access tokens: {@code <authority><tenant>/v2.0}. */
  String issuer() {
    return authority + settings.tenant() + "/v2.0";
  }

  /** How many access tokens were issued. */
  int tokensIssued() {
    return issued.get();
  }

  static boolean handles(List<String> s) {
    return (s.size() == 4
            && s.get(1).equals("v2.0")
            && s.get(2).equals(".well-known")
            && s.get(3).equals("openid-configuration"))
        || (s.size() == 4
            && s.get(1).equals("discovery")
            && s.get(2).equals("v2.0")
            && s.get(3).equals("keys"))
        || (s.size() == 4
            && s.get(1).equals("oauth2")
            && s.get(2).equals("v2.0")
            && s.get(3).equals("token"));
  }

  Response handle(Request r) {
    List<String> s = r.segments();
    if (!s.get(0).equalsIgnoreCase(settings.tenant())) {
      return error(
          400,
          "invalid_tenant",
          90002,
          "Tenant '" + s.get(0) + "' not found. Check to make sure you have the correct tenant ID");
    }
    String what = s.get(3);
    if (what.equals("token")) {
      if (!r.method().equals("POST")) {
        return error(400, "invalid_request", 900561, "The endpoint only accepts POST requests");
      }
      return token(form(r));
    }
    if (!r.method().equals("GET")) {
      throw new ApiException(405, 405001, "Method " + r.method() + " is not allowed");
    }
    return what.equals("keys") ? Response.of(200, keys()) : Response.of(200, openIdConfiguration());
  }

  private ObjectNode openIdConfiguration() {
    String base = authority + settings.tenant();
    ObjectNode c = Json.object();
    c.put("issuer", issuer());
    c.put("token_endpoint", base + "/oauth2/v2.0/token");
    c.put("jwks_uri", base + "/discovery/v2.0/keys");
    c.putArray("token_endpoint_auth_methods_supported").add("private_key_jwt");
    c.putArray("grant_types_supported").add("client_credentials");
    c.putArray("id_token_signing_alg_values_supported").add("RS256");
    c.put("tenant_region_scope", "EMU");
    return c;
  }

  private ObjectNode keys() {
    RSAPublicKey pub = (RSAPublicKey) signingKey.getPublic();
    ObjectNode key = Json.object();
    key.put("kty", "RSA");
    key.put("use", "sig");
    key.put("alg", "RS256");
    key.put("kid", kid);
    key.put("n", Jwt.base64Url(unsigned(pub.getModulus())));
    key.put("e", Jwt.base64Url(unsigned(pub.getPublicExponent())));
    ObjectNode set = Json.object();
    set.putArray("keys").add(key);
    return set;
  }

  private static byte[] unsigned(BigInteger i) {
    byte[] b = i.toByteArray();
    return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  // ---------------------------------------------------------------- token endpoint

  private Response token(Map<String, String> f) {
    if (!"client_credentials".equals(f.get("grant_type"))) {
      return error(
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type; only client_credentials is supported");
    }
    String clientId = f.get("client_id");
    if (clientId == null || clientId.isBlank()) {
      return error(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'client_id'");
    }
    String assertion = f.get("client_assertion");
    if (!ASSERTION_TYPE.equals(f.get("client_assertion_type")) || assertion == null) {
      return error(
          401,
          "invalid_client",
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or"
              + " 'client_secret'");
    }
    String scope = f.get("scope");
    if (!isDpsScope(scope)) {
      return error(
          400,
          "invalid_scope",
          1002012,
          "The provided value for scope "
              + scope
              + " is not valid; this tenant issues "
              + DPS_SCOPE);
    }
    List<FederatedCredential> ofApp =
        settings.federatedCredentials().stream()
            .filter(c -> c.clientId().equalsIgnoreCase(clientId))
            .toList();
    if (ofApp.isEmpty() && !settings.roles().containsKey(key(clientId))) {
      return error(
          400,
          "unauthorized_client",
          700016,
          "Application with identifier '"
              + clientId
              + "' was not found in the directory '"
              + settings.tenant()
              + "'");
    }
    Jwt.Parsed a = Jwt.parse(assertion);
    if (a == null) {
      return error(401, "invalid_client", 50027, "JWT token is invalid or malformed");
    }
    String iss = a.claim("iss");
    String sub = a.claim("sub");
    FederatedCredential match =
        ofApp.stream()
            .filter(
                c ->
                    c.issuer().equals(iss)
                        && c.subject().equals(sub)
                        && a.hasAudience(c.audience()))
            .findFirst()
            .orElse(null);
    if (match == null) {
      String aud = a.claims().path("aud").toString();
      return error(
          400,
          "invalid_request",
          70021,
          "No matching federated identity record found for presented assertion. Assertion Issuer: '"
              + iss
              + "'. Assertion Subject: '"
              + sub
              + "'. Assertion Audience: '"
              + aud.replace("\"", "")
              + "'");
    }
    List<PublicKey> keys = settings.issuerKeys().getOrDefault(iss, List.of());
    if (keys.stream().noneMatch(k -> Jwt.verify(a, k))) {
      return error(
          401,
          "invalid_client",
          700211,
          "Assertion failed signature validation against the keys of issuer '" + iss + "'");
    }
    long now = clock.instant().getEpochSecond();
    Long exp = a.seconds("exp");
    Long nbf = a.seconds("nbf");
    if (exp == null || exp <= now || (nbf != null && nbf > now)) {
      return error(
          400,
          "invalid_client",
          700024,
          "Client assertion is not within its valid time range. Current time: "
              + Instant.ofEpochSecond(now)
              + ", assertion valid from "
              + (nbf == null ? "-" : Instant.ofEpochSecond(nbf))
              + ", expiry time of assertion "
              + (exp == null ? "-" : Instant.ofEpochSecond(exp)));
    }
    Set<EntraRole> roles = settings.roles().getOrDefault(key(clientId), Set.of());
    long lifetime = settings.tokenLifetime().toSeconds();
    ObjectNode claims = Json.object();
    claims.put("aud", DPS_AUDIENCE);
    claims.put("iss", issuer());
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + lifetime);
    claims.put("appid", match.clientId());
    claims.put("azp", match.clientId());
    claims.put("sub", match.clientId());
    claims.put(
        "oid",
        UUID.nameUUIDFromBytes(match.clientId().getBytes(StandardCharsets.UTF_8)).toString());
    claims.put("tid", settings.tenant());
    claims.put("ver", "2.0");
    ArrayNode roleClaim = claims.putArray("roles");
    roles.forEach(role -> roleClaim.add(role.azureName()));
    String token = Jwt.sign(claims, signingKey.getPrivate(), kid);
    issued.incrementAndGet();
    LOG.atInfo()
        .addKeyValue("clientId", match.clientId())
        .addKeyValue("subject", sub)
        .addKeyValue("roles", roles)
        .addKeyValue("expiresInSeconds", lifetime)
        .log("Issued an access token");
    ObjectNode body = Json.object();
    body.put("token_type", "Bearer");
    body.put("expires_in", lifetime);
    body.put("ext_expires_in", lifetime);
    body.put("access_token", token);
    return Response.of(200, body).header("Cache-Control", "no-store");
  }

  /**
   * Whether {@code scope} asks for DPS: {@value #DPS_SCOPE}, optionally beside the OpenID scopes
   * that MSAL adds to every request ({@code openid profile offline_access}) and Entra ID ignores in
   * the client-credentials grant.
   */
  static boolean isDpsScope(String scope) {
    if (scope == null) {
      return false;
    }
    List<String> asked =
        java.util.Arrays.stream(scope.trim().split("\\s+"))
            .filter(x -> !Set.of("openid", "profile", "offline_access").contains(x))
            .toList();
    return asked.equals(List.of(DPS_SCOPE));
  }

  private Response error(int status, String error, int code, String description) {
    LOG.atInfo()
        .addKeyValue("error", error)
        .addKeyValue("code", "AADSTS" + code)
        .addKeyValue("reason", description)
        .log("Refused a token request");
    String trace = UUID.randomUUID().toString();
    ObjectNode body = Json.object();
    body.put("error", error);
    body.put(
        "error_description",
        "AADSTS"
            + code
            + ": "
            + description
            + ". Trace ID: "
            + trace
            + " Correlation ID: "
            + UUID.randomUUID()
            + " Timestamp: "
            + Json.now(clock));
    body.putArray("error_codes").add(code);
    body.put("timestamp", Json.now(clock));
    body.put("trace_id", trace);
    return Response.of(status, body).header("Cache-Control", "no-store");
  }

  private static Map<String, String> form(Request r) {
    Map<String, String> f = new LinkedHashMap<>();
    String body = new String(r.body(), StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      f.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return f;
  }

  // ---------------------------------------------------------------- bearer tokens

  /**
   * The roles of a valid access token of this tenant for DPS.
   *
   * @throws ApiException 401 when the token is malformed, not signed by this tenant, not for DPS,
   *     expired or not yet valid (the reason is logged, never the token)
   */
  Set<EntraRole> authenticate(String bearerToken) {
    Jwt.Parsed t = Jwt.parse(bearerToken);
    if (t == null) {
      throw ApiException.unauthorized("bearer token is not a JWT");
    }
    if (!kid.equals(t.kid()) || !Jwt.verify(t, signingKey.getPublic())) {
      throw ApiException.unauthorized("bearer token signature not valid for this tenant");
    }
    if (!issuer().equals(t.claim("iss"))) {
      throw ApiException.unauthorized(
          "bearer token issuer " + t.claim("iss") + " is not " + issuer());
    }
    if (!t.hasAudience(DPS_AUDIENCE) && !t.hasAudience(DPS_AUDIENCE + "/")) {
      throw ApiException.unauthorized("bearer token audience is not " + DPS_AUDIENCE);
    }
    long now = clock.instant().getEpochSecond();
    Long exp = t.seconds("exp");
    Long nbf = t.seconds("nbf");
    if (exp == null || exp <= now) {
      throw ApiException.unauthorized("bearer token expired at exp=" + exp);
    }
    if (nbf != null && nbf > now) {
      throw ApiException.unauthorized("bearer token not valid before nbf=" + nbf);
    }
    Set<EntraRole> roles = EnumSet.noneOf(EntraRole.class);
    JsonNode claim = t.claims().path("roles");
    for (JsonNode r : claim) {
      for (EntraRole role : EntraRole.values()) {
        if (role.azureName().equals(r.asText())) {
          roles.add(role);
        }
      }
    }
    return roles;
  }

  private static String key(String clientId) {
    return clientId.toLowerCase(Locale.ROOT);
  }
}
