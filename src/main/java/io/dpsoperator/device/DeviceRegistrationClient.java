package io.dpsoperator.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.TlsVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a device with DPS over HTTPS, as a device would: PUT {@code register}, then poll the
 * operation until it is assigned, failed or disabled. Symmetric-key devices sign a SAS token; X.509
 * devices present their certificate chain in the TLS handshake. Thread-safe; one client serves many
 * devices.
 */
public final class DeviceRegistrationClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistrationClient.class);

  /** The runtime API version sent by default (the one of the documentation's samples). */
  public static final String DEFAULT_API_VERSION = "2021-06-01";

  /** The overall time a registration may take, polling included, unless set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Lifetime of a device SAS token, as the Java device SDK. */
  static final Duration SAS_TTL = Duration.ofHours(1);

  /** Poll delay bounds and the delay used when DPS sends no usable {@code Retry-After}. */
  static final Duration MIN_POLL_DELAY = Duration.ofSeconds(1);

  static final Duration MAX_POLL_DELAY = Duration.ofSeconds(5);
  static final Duration DEFAULT_POLL_DELAY = Duration.ofSeconds(2);

  private static final Set<String> TERMINAL = Set.of("assigned", "failed", "disabled");
  private static final Set<String> IN_PROGRESS = Set.of("assigning", "unassigned");
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_SERVER_MESSAGE = 300;

  /** Waits between polls; tests substitute one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final HttpUrl baseUrl;
  private final String idScope;
  private final String apiVersion;
  private final Duration timeout;
  private final X509TrustManager trustManager;
  private final OkHttpClient http;
  private final Sleeper sleeper;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();

  private DeviceRegistrationClient(Builder b) {
    this.baseUrl = parseEndpoint(b.endpoint);
    this.idScope = requireText(b.idScope, "idScope");
    this.apiVersion = requireText(b.apiVersion, "apiVersion");
    this.timeout = Objects.requireNonNull(b.timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("Timeout must be positive, was " + timeout);
    }
    this.sleeper = Objects.requireNonNull(b.sleeper, "sleeper");
    this.clock = Objects.requireNonNull(b.clock, "clock");
    this.trustManager = DeviceTls.trustManager(b.trustedCaPem);
    SSLContext tls = DeviceTls.sslContext(trustManager, null);
    this.http =
        new OkHttpClient.Builder()
            .sslSocketFactory(tls.getSocketFactory(), trustManager)
            .connectionSpecs(
                List.of(
                    new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
                        .tlsVersions(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2)
                        .build()))
            .callTimeout(timeout)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Registers a symmetric-key device without a payload. */
  public RegistrationResult registerWithSymmetricKey(String registrationId, String base64Key) {
    return registerWithSymmetricKey(registrationId, base64Key, Optional.empty());
  }

  /**
   * Registers a symmetric-key device.
   *
   * @param registrationId the device's registration id
   * @param base64Key the device key: an individual enrollment's key, or one {@link
   *     DeviceKeys#derive derived} from a group key
   * @param payload custom data for the allocation: a Jackson {@link JsonNode}, a {@code Map} or any
   *     value Jackson serialises to a JSON object; sent as {@code payload}
   * @return the final result, also when it is {@code failed} or {@code disabled}
   * @throws DeviceRegistrationException when DPS answers with an error, the call fails or the
   *     timeout passes before a final status
   */
  public RegistrationResult registerWithSymmetricKey(
      String registrationId, String base64Key, Optional<?> payload) {
    requireText(registrationId, "registrationId");
    long expiry = clock.instant().plus(SAS_TTL).getEpochSecond();
    String token = DeviceKeys.sasToken(idScope, registrationId, base64Key, expiry);
    return register(http, registrationId, token, payload);
  }

  /** Registers an X.509 device without a payload. */
  public RegistrationResult registerWithX509(String certChainPem, String privateKeyPem) {
    return registerWithX509(certChainPem, privateKeyPem, Optional.empty());
  }

  /**
   * Registers an X.509 device by mutual TLS; its registration id is the leaf certificate's CN.
   *
   * @param certChainPem the device's leaf certificate first, then the intermediates DPS needs to
   *     reach a verified certificate
   * @param privateKeyPem the leaf's private key, PKCS#8 or PKCS#1/SEC1 PEM, unencrypted
   * @param payload custom data for the allocation, as for {@link #registerWithSymmetricKey}
   */
  public RegistrationResult registerWithX509(
      String certChainPem, String privateKeyPem, Optional<?> payload) {
    DeviceTls.Identity identity = DeviceTls.parseIdentity(certChainPem, privateKeyPem);
    String registrationId = identity.commonName();
    SSLContext tls = DeviceTls.sslContext(trustManager, identity);
    // A pool of its own: the connection carries this device's identity and is closed afterwards.
    ConnectionPool pool = new ConnectionPool(1, 1, TimeUnit.SECONDS);
    OkHttpClient deviceHttp =
        http.newBuilder()
            .sslSocketFactory(tls.getSocketFactory(), trustManager)
            .connectionPool(pool)
            .build();
    try {
      return register(deviceHttp, registrationId, null, payload);
    } finally {
      pool.evictAll();
    }
  }

  private RegistrationResult register(
      OkHttpClient client, String registrationId, String token, Optional<?> payload) {
    Objects.requireNonNull(payload, "payload");
    Instant deadline = clock.instant().plus(timeout);
    ObjectNode body = mapper.createObjectNode().put("registrationId", registrationId);
    payload.ifPresent(p -> body.set("payload", mapper.valueToTree(p)));
    HttpUrl registerUrl = url(registrationId).addPathSegment("register").build();
    Request.Builder put =
        request(registerUrl, token).put(RequestBody.create(body.toString(), JSON));

    Answer answer = call(client, put.build(), registrationId, deadline);
    while (true) {
      String status = text(answer.body, "status");
      String operationId = text(answer.body, "operationId");
      if (status != null && TERMINAL.contains(status.toLowerCase(Locale.ROOT))) {
        RegistrationResult result = result(answer.body, registrationId);
        LOG.atInfo()
            .addKeyValue("registrationId", registrationId)
            .addKeyValue("status", result.status())
            .addKeyValue("assignedHub", result.assignedHub())
            .addKeyValue("errorCode", result.errorCode())
            .log("Finished device registration");
        return result;
      }
      if (status == null
          || !IN_PROGRESS.contains(status.toLowerCase(Locale.ROOT))
          || operationId == null) {
        throw new DeviceRegistrationException(
            "DPS answered the registration of registrationId="
                + registrationId
                + " with status="
                + status
                + " operationId="
                + operationId
                + "; expected a final status, or assigning/unassigned with an operationId",
            answer.httpStatus,
            null,
            null);
      }
      Duration delay = pollDelay(answer.retryAfter);
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.compareTo(delay) < 0) {
        throw new DeviceRegistrationException(
            "Device registration of registrationId="
                + registrationId
                + " did not finish within "
                + timeout
                + " (last status="
                + status
                + ", operationId="
                + operationId
                + ")",
            0,
            null,
            null);
      }
      sleep(delay, registrationId);
      HttpUrl pollUrl =
          url(registrationId).addPathSegment("operations").addPathSegment(operationId).build();
      answer = call(client, request(pollUrl, token).get().build(), registrationId, deadline);
    }
  }

  private HttpUrl.Builder url(String registrationId) {
    return baseUrl
        .newBuilder()
        .addPathSegment(idScope)
        .addPathSegment("registrations")
        .addPathSegment(registrationId)
        .addQueryParameter("api-version", apiVersion);
  }

  private static Request.Builder request(HttpUrl url, String token) {
    Request.Builder b =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/json")
            .header("User-Agent", "dps-operator-device-client");
    if (token != null) {
      b.header("Authorization", token);
    }
    return b;
  }

  private record Answer(int httpStatus, JsonNode body, String retryAfter) {}

  private Answer call(
      OkHttpClient client, Request request, String registrationId, Instant deadline) {
    String op = request.method() + " " + request.url().encodedPath();
    Call call = client.newCall(request);
    // The whole registration shares one deadline, so a call gets what is left of it.
    long remainingMillis = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
    call.timeout().timeout(Math.min(remainingMillis, timeout.toMillis()), TimeUnit.MILLISECONDS);
    try (Response response = call.execute()) {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      LOG.atDebug()
          .addKeyValue("op", op)
          .addKeyValue("registrationId", registrationId)
          .addKeyValue("httpStatus", response.code())
          .log("Called DPS device API");
      JsonNode json = parse(text);
      if (!response.isSuccessful()) {
        throw error(response.code(), json, text, registrationId, request);
      }
      if (json == null || !json.isObject()) {
        throw new DeviceRegistrationException(
            "DPS answered " + op + " with HTTP " + response.code() + " but no JSON object",
            response.code(),
            null,
            null);
      }
      return new Answer(response.code(), json, response.header("Retry-After"));
    } catch (IOException e) {
      throw new DeviceRegistrationException(
          "Device registration call failed: registrationId="
              + registrationId
              + " op=\""
              + op
              + "\" error="
              + e,
          0,
          null,
          e);
    }
  }

  private DeviceRegistrationException error(
      int httpStatus, JsonNode json, String text, String registrationId, Request request) {
    Integer errorCode = json == null ? null : integer(json, "errorCode");
    String message = json == null ? text : text(json, "message");
    StringBuilder sb =
        new StringBuilder("DPS answered HTTP ")
            .append(httpStatus)
            .append(" to ")
            .append(request.method())
            .append(" ")
            .append(request.url().encodedPath())
            .append(" for registrationId=")
            .append(registrationId);
    if (errorCode != null) {
      sb.append(" errorCode=").append(errorCode);
    }
    if (message != null && !message.isBlank()) {
      sb.append(" message=\"").append(redact(message, request)).append('"');
    }
    return new DeviceRegistrationException(sb.toString(), httpStatus, errorCode, null);
  }

  /** A server that echoes the request must not make the token part of an exception message. */
  private static String redact(String message, Request request) {
    String m =
        message.length() > MAX_SERVER_MESSAGE
            ? message.substring(0, MAX_SERVER_MESSAGE) + "..."
            : message;
    String token = request.header("Authorization");
    if (token == null) {
      return m;
    }
    m = m.replace(token, "<redacted>");
    for (String part : token.substring(token.indexOf(' ') + 1).split("&")) {
      if (part.startsWith("sig=") && part.length() > 4) {
        String sig = part.substring(4);
        m =
            m.replace(sig, "<redacted>")
                .replace(URLDecoder.decode(sig, StandardCharsets.UTF_8), "<redacted>");
      }
    }
    return m;
  }

  private RegistrationResult result(JsonNode body, String requestedId) {
    JsonNode state = body.path("registrationState");
    String registrationId = text(state, "registrationId");
    return new RegistrationResult(
        registrationId != null ? registrationId : requestedId,
        text(body, "status"),
        text(state, "substatus"),
        text(state, "assignedHub"),
        text(state, "deviceId"),
        integer(state, "errorCode"),
        text(state, "errorMessage"),
        text(body, "operationId"));
  }

  /** {@code Retry-After} in whole seconds, clamped; the default when absent or not a number. */
  static Duration pollDelay(String retryAfter) {
    if (retryAfter == null) {
      return DEFAULT_POLL_DELAY;
    }
    Duration delay;
    try {
      delay = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
    } catch (NumberFormatException e) {
      return DEFAULT_POLL_DELAY;
    }
    if (delay.compareTo(MIN_POLL_DELAY) < 0) {
      return MIN_POLL_DELAY;
    }
    return delay.compareTo(MAX_POLL_DELAY) > 0 ? MAX_POLL_DELAY : delay;
  }

  private void sleep(Duration delay, String registrationId) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeviceRegistrationException(
          "Device registration of registrationId=" + registrationId + " was interrupted",
          0,
          null,
          e);
    }
  }

  private JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return mapper.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Integer integer(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.canConvertToInt()) {
      return v.intValue();
    }
    try {
      return Integer.valueOf(v.asText().strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static HttpUrl parseEndpoint(String endpoint) {
    String e = requireText(endpoint, "endpoint").strip();
    if (e.regionMatches(true, 0, "https://", 0, 8)) {
      e = e.substring(8);
    } else if (e.contains("://")) {
      throw new IllegalArgumentException("Endpoint must use https, was " + endpoint);
    }
    if (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    HttpUrl url = HttpUrl.parse("https://" + e);
    if (url == null || e.contains("/") || e.contains("?") || e.contains("#") || e.contains("@")) {
      throw new IllegalArgumentException("Endpoint must be host[:port], was " + endpoint);
    }
    return url;
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /** Releases pooled connections. The client stays usable; new calls open new connections. */
  @Override
  public void close() {
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "DeviceRegistrationClient[endpoint=" + baseUrl + ", idScope=" + idScope + "]";
  }

  /** Builds a {@link DeviceRegistrationClient}; endpoint and idScope are required. */
  public static final class Builder {
    private String endpoint;
    private String idScope;
    private String trustedCaPem;
    private String apiVersion = DEFAULT_API_VERSION;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The device API's host[:port] (the global endpoint), e.g. {@code localhost:8443}; https. */
    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** The DPS instance's ID scope, e.g. {@code 0ne00000001}. */
    public Builder idScope(String idScope) {
      this.idScope = idScope;
      return this;
    }

    /** CA certificates (PEM) trusted in addition to the system trust store; null for none. */
    public Builder trustedCaPem(String trustedCaPem) {
      this.trustedCaPem = trustedCaPem;
      return this;
    }

    /** The {@code api-version} query parameter; {@code 2021-06-01} by default. */
    public Builder apiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
      return this;
    }

    /** How long a registration may take in all, polling included; 60 s by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** How to wait between polls; {@code Thread.sleep} by default. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    /** The clock for token expiry and the timeout; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public DeviceRegistrationClient build() {
      return new DeviceRegistrationClient(this);
    }
  }
}
