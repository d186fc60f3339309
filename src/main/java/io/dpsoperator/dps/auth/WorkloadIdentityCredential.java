package io.dpsoperator.dps.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Entra ID workload identity: exchanges the federated (Kubernetes service account) token
 * in {@code AZURE_FEDERATED_TOKEN_FILE} for an access token to DPS at the token endpoint of the
 * tenant (client-credentials grant with the file's content as {@code client_assertion}), and sends
 * it as {@code Bearer}. The token is cached until {@link #refreshMargin(Duration)} before it
 * expires; the file is read anew at every exchange, since the kubelet rotates it. One exchange runs
 * at a time; while it runs, other callers keep using the cached token if it is still valid, and a
 * failed exchange does not discard a token that is still valid. Thread-safe.
 *
 * <p>This is a small client of the token endpoint over OkHttp rather than azure-identity, which
 * would bring azure-core, Reactor, Netty and MSAL4J into the image (see docs/workload-identity.md).
 */
public final class WorkloadIdentityCredential implements DpsCredential {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadIdentityCredential.class);

  /** The scope of the DPS service API. */
  public static final String DPS_SCOPE = "https://azure-devices-provisioning.net/.default";

  /** The public cloud's authority host, the default of {@code AZURE_AUTHORITY_HOST}. */
  public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/";

  /** A token is replaced this long before it expires (or at half its lifetime, if shorter). */
  public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);

  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,99}");
  private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
  private static final Pattern JWT_LIKE = Pattern.compile("eyJ[A-Za-z0-9_.-]+");
  private static final int MAX_DESCRIPTION = 200;

  private final String clientId;
  private final String tenantId;
  private final URI authorityHost;
  private final Path federatedTokenFile;
  private final String scope;
  private final Duration refreshBefore;
  private final Clock clock;
  private final OkHttpClient http;
  private final HttpUrl tokenUrl;
  private final ObjectMapper json = new ObjectMapper();
  private final ReentrantLock exchange = new ReentrantLock();

  private volatile Token cached;

  private record Token(String accessToken, Instant expiresAt, Instant refreshAt) {}

  private WorkloadIdentityCredential(Builder b) {
    this.clientId = requireText(b.clientId, "clientId (AZURE_CLIENT_ID)");
    this.tenantId = requireText(b.tenantId, "tenantId (AZURE_TENANT_ID)");
    if (!TENANT.matcher(tenantId).matches()) {
      throw new IllegalArgumentException(
          "Entra ID tenant id '" + tenantId + "' is not a tenant id or domain name");
    }
    this.federatedTokenFile =
        Objects.requireNonNull(
            b.federatedTokenFile, "federatedTokenFile (AZURE_FEDERATED_TOKEN_FILE)");
    this.scope = requireText(b.scope, "scope");
    this.refreshBefore = Objects.requireNonNull(b.refreshBefore, "refreshBefore");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    String authority = requireText(b.authorityHost, "authorityHost (AZURE_AUTHORITY_HOST)");
    HttpUrl base = HttpUrl.parse(authority.endsWith("/") ? authority : authority + "/");
    if (base == null || !(base.isHttps() || b.allowHttp)) {
      throw new IllegalArgumentException(
          "Entra ID authority host '" + authority + "' is not an https URL");
    }
    this.authorityHost = base.uri();
    this.tokenUrl =
        base.newBuilder()
            .addPathSegment(tenantId)
            .addPathSegment("oauth2")
            .addPathSegment("v2.0")
            .addPathSegment("token")
            .build();
    this.http =
        (b.httpClient != null ? b.httpClient.newBuilder() : new OkHttpClient.Builder())
            .callTimeout(b.requestTimeout)
            .followRedirects(false)
            .followSslRedirects(false)
            .build();
  }

  /**
   * A builder from the environment that the Azure workload identity webhook injects: {@code
   * AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE} and {@code
   * AZURE_AUTHORITY_HOST} (default {@value #DEFAULT_AUTHORITY_HOST}). Client and tenant id may be
   * overridden per connection afterwards; {@link Builder#build()} reports what is missing.
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = new Builder();
    b.clientId = blankToNull(env.get("AZURE_CLIENT_ID"));
    b.tenantId = blankToNull(env.get("AZURE_TENANT_ID"));
    String file = blankToNull(env.get("AZURE_FEDERATED_TOKEN_FILE"));
    b.federatedTokenFile = file == null ? null : Path.of(file);
    String authority = blankToNull(env.get("AZURE_AUTHORITY_HOST"));
    b.authorityHost = authority == null ? DEFAULT_AUTHORITY_HOST : authority;
    return b;
  }

  /** A builder from the process environment. */
  public static Builder fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** An empty builder (authority host {@value #DEFAULT_AUTHORITY_HOST}, scope of DPS). */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String type() {
    return WORKLOAD_IDENTITY;
  }

  @Override
  public String authorizationHeader() {
    return "Bearer " + accessToken();
  }

  @Override
  public void invalidate() {
    cached = null;
  }

  /** The application (client) id the tokens are issued to. */
  public String clientId() {
    return clientId;
  }

  /** The Entra ID tenant. */
  public String tenantId() {
    return tenantId;
  }

  /** The authority host, e.g. {@code https://login.microsoftonline.com/}. */
  public URI authorityHost() {
    return authorityHost;
  }

  /** The federated token file, read at every exchange. */
  public Path federatedTokenFile() {
    return federatedTokenFile;
  }

  /** The margin before expiry at which a token of {@code lifetime} is replaced. */
  Duration refreshMargin(Duration lifetime) {
    Duration half = lifetime.dividedBy(2);
    return half.compareTo(refreshBefore) < 0 ? half : refreshBefore;
  }

  private String accessToken() {
    Token token = cached;
    Instant now = clock.instant();
    if (token != null && now.isBefore(token.refreshAt())) {
      return token.accessToken();
    }
    if (token != null && now.isBefore(token.expiresAt())) {
      // Due for refresh but still valid: if another thread is exchanging already, use it.
      if (!exchange.tryLock()) {
        return token.accessToken();
      }
    } else {
      // No valid token: wait for the exchange in flight (bounded by the request timeout).
      exchange.lock();
    }
    try {
      token = cached;
      now = clock.instant();
      if (token != null && now.isBefore(token.refreshAt())) {
        return token.accessToken();
      }
      try {
        Token fresh = exchange(now);
        cached = fresh;
        return fresh.accessToken();
      } catch (DpsAuthenticationException e) {
        if (token != null && clock.instant().isBefore(token.expiresAt())) {
          LOG.atWarn()
              .addKeyValue("clientId", clientId)
              .addKeyValue("expiresAt", String.valueOf(token.expiresAt()))
              .addKeyValue("reason", e.failure().reason())
              .addKeyValue("error", e.getMessage())
              .log("Kept the cached Entra ID token after a failed refresh");
          return token.accessToken();
        }
        throw e;
      }
    } finally {
      exchange.unlock();
    }
  }

  private Token exchange(Instant now) {
    String assertion = readAssertion(now);
    Request request =
        new Request.Builder()
            .url(tokenUrl)
            .header("Accept", "application/json")
            .post(
                new FormBody.Builder()
                    .add("grant_type", "client_credentials")
                    .add("client_id", clientId)
                    .add("client_assertion_type", ASSERTION_TYPE)
                    .add("client_assertion", assertion)
                    .add("scope", scope)
                    .build())
            .build();
    JsonNode body;
    int status;
    try (Response response = http.newCall(request).execute()) {
      status = response.code();
      ResponseBody rb = response.body();
      String text = rb == null ? "" : rb.string();
      body = parse(text);
    } catch (IOException e) {
      throw new DpsAuthenticationException(
          AuthFailure.TOKEN_EXCHANGE_FAILED,
          true,
          "The Entra ID token endpoint "
              + tokenUrl.host()
              + " could not be reached ("
              + e.getClass().getSimpleName()
              + "); retrying");
    }
    if (status == 200 && body != null && body.path("access_token").isTextual()) {
      long expiresIn = body.path("expires_in").asLong(0);
      if (expiresIn <= 0) {
        throw new DpsAuthenticationException(
            AuthFailure.TOKEN_EXCHANGE_FAILED,
            true,
            "The Entra ID token endpoint " + tokenUrl.host() + " sent a token without expires_in");
      }
      Duration lifetime = Duration.ofSeconds(expiresIn);
      Instant expiresAt = now.plus(lifetime);
      LOG.atDebug()
          .addKeyValue("clientId", clientId)
          .addKeyValue("tenantId", tenantId)
          .addKeyValue("expiresAt", String.valueOf(expiresAt))
          .log("Obtained an Entra ID access token");
      return new Token(
          body.get("access_token").asText(), expiresAt, expiresAt.minus(refreshMargin(lifetime)));
    }
    throw refused(status, body);
  }

  private DpsAuthenticationException refused(int status, JsonNode body) {
    boolean retryable = status == 429 || status >= 500 || status == 200;
    String error = body == null ? null : body.path("error").asText(null);
    String description = body == null ? null : body.path("error_description").asText(null);
    String code = null;
    if (description != null) {
      var m = AADSTS.matcher(description);
      if (m.find()) {
        code = m.group(1);
      }
    }
    // AADSTS700024: the client assertion is not within its valid time range.
    AuthFailure failure =
        "700024".equals(code)
            ? AuthFailure.FEDERATED_TOKEN_EXPIRED
            : AuthFailure.TOKEN_EXCHANGE_FAILED;
    StringBuilder text =
        new StringBuilder("The Entra ID token endpoint ")
            .append(tokenUrl.host())
            .append(" refused the federated token of clientId=")
            .append(clientId)
            .append(" tenantId=")
            .append(tenantId)
            .append(" (HTTP ")
            .append(status);
    if (error != null) {
      text.append(", ").append(safe(error));
    }
    text.append(")");
    if (description != null) {
      text.append(": ").append(safe(firstSentence(description)));
    }
    if (!retryable) {
      text.append(
          "; check the federated credential (issuer, subject"
              + " system:serviceaccount:<namespace>:<name>, audience api://AzureADTokenExchange)");
    }
    return new DpsAuthenticationException(failure, retryable, text.toString());
  }

  private String readAssertion(Instant now) {
    String assertion;
    try {
      assertion = Files.readString(federatedTokenFile, StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      throw new DpsAuthenticationException(
          AuthFailure.FEDERATED_TOKEN_UNAVAILABLE,
          false,
          "The federated token file "
              + federatedTokenFile
              + " could not be read ("
              + e.getClass().getSimpleName()
              + "); is the pod labelled azure.workload.identity/use=true and its service account"
              + " annotated with azure.workload.identity/client-id?");
    }
    String[] parts = assertion.split("\\.", -1);
    JsonNode claims = null;
    if (parts.length == 3) {
      try {
        claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
      } catch (IOException | IllegalArgumentException e) {
        claims = null;
      }
    }
    if (claims == null || !claims.isObject()) {
      throw new DpsAuthenticationException(
          AuthFailure.FEDERATED_TOKEN_UNAVAILABLE,
          false,
          "The federated token file " + federatedTokenFile + " does not hold a JWT");
    }
    JsonNode exp = claims.get("exp");
    if (exp != null
        && exp.canConvertToLong()
        && !now.isBefore(Instant.ofEpochSecond(exp.asLong()))) {
      throw new DpsAuthenticationException(
          AuthFailure.FEDERATED_TOKEN_EXPIRED,
          false,
          "The federated token in "
              + federatedTokenFile
              + " expired at "
              + Instant.ofEpochSecond(exp.asLong())
              + "; the kubelet no longer rotates it (is the projected volume still mounted?)");
    }
    return assertion;
  }

  private JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  /** Endpoint text with anything token-like removed, on one line, bounded. */
  private static String safe(String s) {
    String oneLine = JWT_LIKE.matcher(s).replaceAll("***").replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_DESCRIPTION
        ? oneLine
        : oneLine.substring(0, MAX_DESCRIPTION) + "...";
  }

  /** The description up to its trace and correlation ids, which differ on every call. */
  private static String firstSentence(String description) {
    int trace = description.indexOf("Trace ID");
    String s = trace > 0 ? description.substring(0, trace) : description;
    return s.trim();
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Workload identity needs " + name);
    }
    return value.trim();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    return "WorkloadIdentityCredential[clientId="
        + clientId
        + ", tenantId="
        + tenantId
        + ", authorityHost="
        + authorityHost
        + ", federatedTokenFile="
        + federatedTokenFile
        + "]";
  }

  /** Builds a {@link WorkloadIdentityCredential}. */
  public static final class Builder {
    private String clientId;
    private String tenantId;
    private String authorityHost = DEFAULT_AUTHORITY_HOST;
    private Path federatedTokenFile;
    private String scope = DPS_SCOPE;
    private Duration refreshBefore = DEFAULT_REFRESH_BEFORE;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private OkHttpClient httpClient;
    private boolean allowHttp;

    private Builder() {}

    /** The application (client) id of the managed identity or app registration. */
    public Builder clientId(String v) {
      this.clientId = v;
      return this;
    }

    /** Overrides the client id when {@code v} is not blank (a per-connection override). */
    public Builder clientIdIfSet(String v) {
      if (v != null && !v.isBlank()) {
        this.clientId = v;
      }
      return this;
    }

    /** The Entra ID tenant (a GUID or a domain name). */
    public Builder tenantId(String v) {
      this.tenantId = v;
      return this;
    }

    /** Overrides the tenant id when {@code v} is not blank (a per-connection override). */
    public Builder tenantIdIfSet(String v) {
      if (v != null && !v.isBlank()) {
        this.tenantId = v;
      }
      return this;
    }

    /** The authority host, e.g. {@code https://login.microsoftonline.com/}. */
    public Builder authorityHost(String v) {
      this.authorityHost = v;
      return this;
    }

    /** The file holding the federated service account token (rotated by the kubelet). */
    public Builder federatedTokenFile(Path v) {
      this.federatedTokenFile = v;
      return this;
    }

    /** The scope to ask for; defaults to {@value WorkloadIdentityCredential#DPS_SCOPE}. */
    public Builder scope(String v) {
      this.scope = v;
      return this;
    }

    /** How long before expiry a token is replaced (at most half its lifetime). */
    public Builder refreshBefore(Duration v) {
      this.refreshBefore = v;
      return this;
    }

    /** The time limit of one token request. */
    public Builder requestTimeout(Duration v) {
      this.requestTimeout = v;
      return this;
    }

    /** The clock of token expiry (tests pass a fake). */
    public Builder clock(Clock v) {
      this.clock = v;
      return this;
    }

    /**
     * The OkHttp client to call the token endpoint with, e.g. one sharing the DPS client's
     * connection pool or trusting an extra CA; a default client with the system trust store
     * otherwise.
     */
    public Builder httpClient(OkHttpClient v) {
      this.httpClient = v;
      return this;
    }

    /** Accepts an {@code http://} authority host (local development only). */
    public Builder allowHttp(boolean v) {
      this.allowHttp = v;
      return this;
    }

    /**
     * Builds the credential.
     *
     * @throws IllegalArgumentException naming the setting that is missing or malformed
     */
    public WorkloadIdentityCredential build() {
      return new WorkloadIdentityCredential(this);
    }
  }
}
