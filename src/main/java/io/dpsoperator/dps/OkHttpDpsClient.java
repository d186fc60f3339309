package io.dpsoperator.dps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.dps.auth.DpsAuthenticationException;
import io.dpsoperator.dps.auth.DpsCredential;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.ProvisioningServiceErrorDetails;
import io.dpsoperator.dps.model.QuerySpecification;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPS service API over OkHttp: SAS authentication, HTTPS with the system trust store plus an
 * optional CA bundle, per-attempt timeouts, retries with exponential backoff and full jitter for
 * retryable failures (honouring {@code Retry-After}), and a client-side rate limiter taken for
 * every attempt. Thread-safe; share one instance.
 */
public final class OkHttpDpsClient implements DpsClient {
  private static final Logger LOG = LoggerFactory.getLogger(OkHttpDpsClient.class);

  /** Most items a bulk operation may carry. */
  public static final int MAX_BULK_ITEMS = 10;

  static final String CONTINUATION = "x-ms-continuation";
  static final String MAX_ITEM_COUNT = "x-ms-max-item-count";
  private static final String RETRY_AFTER = "Retry-After";
  private static final String HIDDEN_RETRY_AFTER = "X-Dps-Client-Retry-After";

  private static final MediaType JSON = MediaType.get("application/json");
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_ERROR_TEXT = 300;
  private static final String USER_AGENT = "dps-operator";

  private final DpsClientConfig config;
  private final DpsCallListener listener;
  private final DpsCredential credential;
  private final DpsRateLimiter rateLimiter;
  private final OkHttpClient http;
  private final HttpUrl baseUrl;
  private final ObjectMapper json = DpsJson.newObjectMapper();

  /** A client without a listener. */
  public OkHttpDpsClient(DpsClientConfig config) {
    this(config, DpsCallListener.NONE);
  }

  /**
   * A client that reports attempts, retries and throttling to {@code listener}.
   *
   * @throws IllegalArgumentException if the CA bundle cannot be read or parsed
   */
  public OkHttpDpsClient(DpsClientConfig config, DpsCallListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.credential = config.credentialOrNew();
    this.rateLimiter = config.rateLimiterOrNew();
    String scheme = config.scheme();
    this.baseUrl = HttpUrl.parse(scheme + "://" + config.hostName() + "/");
    if (baseUrl == null) {
      throw new IllegalArgumentException(
          "DPS host name is not usable in a URL: " + config.hostName());
    }
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .callTimeout(config.requestTimeout())
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.requestTimeout())
            .writeTimeout(config.requestTimeout())
            // This class retries itself, counting each attempt against the rate limit.
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            // OkHttp silently repeats a 503 that says "Retry-After: 0", bypassing the rate
            // limiter and the retry budget; hiding the header from it keeps every retry here.
            .addNetworkInterceptor(
                chain -> {
                  Response response = chain.proceed(chain.request());
                  String retryAfter = response.header(RETRY_AFTER);
                  return retryAfter == null
                      ? response
                      : response
                          .newBuilder()
                          .removeHeader(RETRY_AFTER)
                          .header(HIDDEN_RETRY_AFTER, retryAfter)
                          .build();
                });
    if (scheme.equals("https")) {
      X509TrustManager trustManager = DpsTls.trustManager(caBundle(config));
      builder.sslSocketFactory(DpsTls.socketFactory(trustManager), trustManager);
    }
    this.http = builder.build();
  }

  private static String caBundle(DpsClientConfig config) {
    if (config.caBundlePath() != null) {
      try {
        return Files.readString(config.caBundlePath(), StandardCharsets.US_ASCII);
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalArgumentException(
            "Could not read the DPS CA bundle " + config.caBundlePath() + ": " + e.getMessage(), e);
      }
    }
    return config.caBundlePem();
  }

  @Override
  public String hostName() {
    return config.hostName();
  }

  /** The settings of this client. */
  public DpsClientConfig config() {
    return config;
  }

  // Individual enrollments

  @Override
  public IndividualEnrollment getIndividualEnrollment(String registrationId) {
    return send(
        "getIndividualEnrollment",
        get(url("enrollments", id(registrationId, "registrationId"))),
        IndividualEnrollment.class);
  }

  @Override
  public IndividualEnrollment createOrUpdateIndividualEnrollment(
      IndividualEnrollment enrollment, IfMatch ifMatch) {
    Objects.requireNonNull(enrollment, "enrollment");
    return send(
        "createOrUpdateIndividualEnrollment",
        put(
            url("enrollments", id(enrollment.registrationId(), "registrationId")),
            write(enrollment),
            ifMatch),
        IndividualEnrollment.class);
  }

  @Override
  public void deleteIndividualEnrollment(String registrationId, IfMatch ifMatch) {
    send(
        "deleteIndividualEnrollment",
        delete(url("enrollments", id(registrationId, "registrationId")), ifMatch),
        Void.class);
  }

  @Override
  public AttestationMechanism getIndividualEnrollmentAttestationMechanism(String registrationId) {
    return send(
        "getIndividualEnrollmentAttestationMechanism",
        post(
            url("enrollments", id(registrationId, "registrationId"), "attestationmechanism"),
            EMPTY_OBJECT),
        AttestationMechanism.class);
  }

  @Override
  public DpsPage<IndividualEnrollment> queryIndividualEnrollments(
      int pageSize, String continuationToken) {
    return query(
        "queryIndividualEnrollments",
        url("enrollments", "query"),
        "SELECT * FROM enrollments",
        pageSize,
        continuationToken,
        IndividualEnrollment.class);
  }

  @Override
  public BulkEnrollmentOperationResult runIndividualEnrollmentBulkOperation(
      BulkOperationMode mode, List<IndividualEnrollment> enrollments) {
    return bulk(
        "runIndividualEnrollmentBulkOperation",
        "enrollments",
        mode,
        enrollments,
        IndividualEnrollment::registrationId,
        IndividualEnrollment::etag,
        "registrationId",
        "enrollment");
  }

  // Enrollment groups

  @Override
  public EnrollmentGroup getEnrollmentGroup(String enrollmentGroupId) {
    return send(
        "getEnrollmentGroup",
        get(url("enrollmentGroups", id(enrollmentGroupId, "enrollmentGroupId"))),
        EnrollmentGroup.class);
  }

  @Override
  public EnrollmentGroup createOrUpdateEnrollmentGroup(EnrollmentGroup group, IfMatch ifMatch) {
    Objects.requireNonNull(group, "group");
    return send(
        "createOrUpdateEnrollmentGroup",
        put(
            url("enrollmentGroups", id(group.enrollmentGroupId(), "enrollmentGroupId")),
            write(group),
            ifMatch),
        EnrollmentGroup.class);
  }

  @Override
  public void deleteEnrollmentGroup(String enrollmentGroupId, IfMatch ifMatch) {
    send(
        "deleteEnrollmentGroup",
        delete(url("enrollmentGroups", id(enrollmentGroupId, "enrollmentGroupId")), ifMatch),
        Void.class);
  }

  @Override
  public AttestationMechanism getEnrollmentGroupAttestationMechanism(String enrollmentGroupId) {
    return send(
        "getEnrollmentGroupAttestationMechanism",
        post(
            url(
                "enrollmentGroups",
                id(enrollmentGroupId, "enrollmentGroupId"),
                "attestationmechanism"),
            EMPTY_OBJECT),
        AttestationMechanism.class);
  }

  @Override
  public DpsPage<EnrollmentGroup> queryEnrollmentGroups(int pageSize, String continuationToken) {
    return query(
        "queryEnrollmentGroups",
        url("enrollmentGroups", "query"),
        "SELECT * FROM enrollmentGroups",
        pageSize,
        continuationToken,
        EnrollmentGroup.class);
  }

  @Override
  public BulkEnrollmentOperationResult runEnrollmentGroupBulkOperation(
      BulkOperationMode mode, List<EnrollmentGroup> groups) {
    return bulk(
        "runEnrollmentGroupBulkOperation",
        "enrollmentGroups",
        mode,
        groups,
        EnrollmentGroup::enrollmentGroupId,
        EnrollmentGroup::etag,
        "enrollmentGroupId",
        "enrollment group");
  }

  /**
   * A bulk operation on {@code collection} ({@code enrollments} or {@code enrollmentGroups}): the
   * records go in a body field of that name and to the path of that name.
   */
  private <T> BulkEnrollmentOperationResult bulk(
      String operation,
      String collection,
      BulkOperationMode mode,
      List<T> records,
      java.util.function.Function<T, String> idOf,
      java.util.function.Function<T, String> etagOf,
      String idName,
      String label) {
    checkBulk(mode, records);
    ArrayNode items = json.createArrayNode();
    for (T record : records) {
      Objects.requireNonNull(record, label);
      id(idOf.apply(record), idName);
      items.add(bulkItem(mode, record, etagOf.apply(record), label + " " + idOf.apply(record)));
    }
    ObjectNode body = json.createObjectNode();
    body.set(collection, items);
    body.put("mode", mode.wire());
    BulkEnrollmentOperationResult result =
        send(operation, post(url(collection), bytes(body)), BulkEnrollmentOperationResult.class);
    if (result == null || result.errors() == null) {
      return result;
    }
    // errorStatus is DPS's text about an item (it may quote a webhook URL with its code=): redacted
    // like every other message this client hands out.
    return new BulkEnrollmentOperationResult(
        result.isSuccessful(),
        result.errors().stream()
            .map(
                e ->
                    new io.dpsoperator.dps.model.BulkEnrollmentOperationError(
                        e.registrationId(),
                        e.enrollmentGroupId(),
                        e.errorCode(),
                        Redaction.redact(e.errorStatus())))
            .toList());
  }

  // Device registration states

  @Override
  public DeviceRegistrationState getDeviceRegistrationState(String registrationId) {
    return send(
        "getDeviceRegistrationState",
        get(url("registrations", id(registrationId, "registrationId"))),
        DeviceRegistrationState.class);
  }

  @Override
  public void deleteDeviceRegistrationState(String registrationId, IfMatch ifMatch) {
    send(
        "deleteDeviceRegistrationState",
        delete(url("registrations", id(registrationId, "registrationId")), ifMatch),
        Void.class);
  }

  @Override
  public DpsPage<DeviceRegistrationState> queryDeviceRegistrationStates(
      String enrollmentGroupId, int pageSize, String continuationToken) {
    return query(
        "queryDeviceRegistrationStates",
        url("registrations", id(enrollmentGroupId, "enrollmentGroupId"), "query"),
        "SELECT * FROM registrations",
        pageSize,
        continuationToken,
        DeviceRegistrationState.class);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "OkHttpDpsClient[" + baseUrl + "]";
  }

  // Request building

  private HttpUrl url(String... segments) {
    HttpUrl.Builder b = baseUrl.newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.addQueryParameter("api-version", config.apiVersion()).build();
  }

  private static String id(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static Request.Builder get(HttpUrl url) {
    return new Request.Builder().url(url).get();
  }

  private static Request.Builder post(HttpUrl url, byte[] body) {
    return new Request.Builder().url(url).post(RequestBody.create(body, JSON));
  }

  private static Request.Builder put(HttpUrl url, byte[] body, IfMatch ifMatch) {
    return withIfMatch(new Request.Builder().url(url).put(RequestBody.create(body, JSON)), ifMatch);
  }

  private static Request.Builder delete(HttpUrl url, IfMatch ifMatch) {
    return withIfMatch(new Request.Builder().url(url).delete(), ifMatch);
  }

  private static Request.Builder withIfMatch(Request.Builder b, IfMatch ifMatch) {
    Objects.requireNonNull(ifMatch, "ifMatch: choose IfMatch.etag(..), any() or absent()");
    ifMatch.headerValue().ifPresent(v -> b.header("If-Match", v));
    return b;
  }

  private byte[] write(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Could not serialise " + value.getClass().getSimpleName(), e);
    }
  }

  private byte[] bytes(ObjectNode node) {
    return write(node);
  }

  private static void checkBulk(BulkOperationMode mode, List<?> items) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(items, "items");
    if (items.isEmpty()) {
      throw new IllegalArgumentException("A DPS bulk operation needs at least one item");
    }
    if (items.size() > MAX_BULK_ITEMS) {
      throw new IllegalArgumentException(
          "A DPS bulk operation takes at most "
              + MAX_BULK_ITEMS
              + " items, got "
              + items.size()
              + "; split it into several calls");
    }
  }

  private ObjectNode bulkItem(BulkOperationMode mode, Object item, String etag, String what) {
    ObjectNode node = json.valueToTree(item);
    // Read-only fields are never serialised; updateIfMatchETag is the one place an etag is sent.
    if (mode == BulkOperationMode.UPDATE_IF_MATCH_ETAG) {
      if (etag == null || etag.isBlank()) {
        throw new IllegalArgumentException(
            "Bulk mode updateIfMatchETag needs an etag on every item; " + what + " has none");
      }
      node.put("etag", etag);
    }
    return node;
  }

  private <T> DpsPage<T> query(
      String operation,
      HttpUrl url,
      String queryText,
      int pageSize,
      String continuationToken,
      Class<T> itemType) {
    if (pageSize < 0) {
      throw new IllegalArgumentException("pageSize must be >= 0 (0 = service default)");
    }
    Request.Builder request = post(url, write(new QuerySpecification(queryText)));
    if (pageSize > 0) {
      request.header(MAX_ITEM_COUNT, Integer.toString(pageSize));
    }
    if (continuationToken != null && !continuationToken.isEmpty()) {
      request.header(CONTINUATION, continuationToken);
    }
    JavaType listType = json.getTypeFactory().constructCollectionType(List.class, itemType);
    return execute(
        operation,
        request,
        (response, body) -> {
          List<T> items = body.length == 0 ? List.of() : json.readValue(body, listType);
          String next = response.header(CONTINUATION);
          // An empty header would make a naive pager loop forever; treat it as the last page.
          return new DpsPage<>(
              items == null ? List.of() : items,
              Optional.ofNullable(next).filter(s -> !s.isBlank()));
        });
  }

  private <T> T send(String operation, Request.Builder request, Class<T> type) {
    return execute(
        operation,
        request,
        (response, body) -> {
          if (type == Void.class || body.length == 0) {
            return null;
          }
          return json.readValue(body, type);
        });
  }

  // Execution: rate limit, retries, errors

  @FunctionalInterface
  private interface Reader<T> {
    T read(Response response, byte[] body) throws IOException;
  }

  private <T> T execute(String operation, Request.Builder request, Reader<T> reader) {
    int maxAttempts = config.maxRetries() + 1;
    for (int attempt = 1; ; attempt++) {
      acquirePermit(operation);
      Request r =
          request
              .header("Authorization", authorization(operation))
              .header("Accept", "application/json")
              .header("User-Agent", USER_AGENT)
              .build();
      DpsException failure;
      Duration retryAfter = null;
      try (Response response = http.newCall(r).execute()) {
        byte[] body = readBody(response);
        String trackingId = response.header("x-ms-request-id");
        if (response.isSuccessful()) {
          listener.onAttempt(operation, attempt, response.code(), trackingId);
          return parse(operation, response, body, trackingId, reader);
        }
        retryAfter = retryAfter(response.header(HIDDEN_RETRY_AFTER, response.header(RETRY_AFTER)));
        failure = httpFailure(operation, response, body, attempt, maxAttempts, retryAfter);
        if (response.code() == 401) {
          credential.invalidate();
        }
      } catch (IOException e) {
        failure = ioFailure(operation, e, attempt, maxAttempts);
      }
      listener.onAttempt(operation, attempt, failure.status(), failure.trackingId());
      if (failure.isThrottled()) {
        listener.onThrottled(operation, DpsCallListener.ThrottleSource.SERVER, Duration.ZERO);
      }
      if (!failure.isRetryable() || attempt >= maxAttempts || isCertificateFailure(failure)) {
        throw failure;
      }
      Duration delay = backoff(attempt, retryAfter);
      listener.onRetry(operation, attempt + 1, failure.status(), delay);
      LOG.atDebug()
          .addKeyValue("operation", operation)
          .addKeyValue("attempt", attempt + 1)
          .addKeyValue("status", failure.status())
          .addKeyValue("delayMs", delay.toMillis())
          .log("Retrying DPS");
      try {
        config.sleeper().sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DpsException(
            operation, 0, null, null, "DPS " + operation + " interrupted before a retry", e);
      }
    }
  }

  /** The credential's header; its failure becomes a {@link DpsCredentialException}. */
  private String authorization(String operation) {
    try {
      return credential.authorizationHeader();
    } catch (DpsAuthenticationException e) {
      throw new DpsCredentialException(operation, e);
    }
  }

  /** The credential of this client. */
  public DpsCredential credential() {
    return credential;
  }

  private void acquirePermit(String operation) {
    long waited;
    try {
      waited = rateLimiter.tryAcquireNanos(config.rateLimitTimeout().toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DpsException(
          operation, 0, null, null, "DPS " + operation + " interrupted by the rate limiter", e);
    }
    if (waited < 0) {
      listener.onThrottled(
          operation, DpsCallListener.ThrottleSource.CLIENT, config.rateLimitTimeout());
      throw new DpsRateLimitedException(
          operation,
          "DPS "
              + operation
              + " not sent: the client-side rate limit ("
              + rateLimiter.operationsPerMinute()
              + "/min) gave no permit within "
              + config.rateLimitTimeout().toMillis()
              + "ms");
    }
    if (waited > 0) {
      listener.onThrottled(
          operation, DpsCallListener.ThrottleSource.CLIENT, Duration.ofNanos(waited));
    }
  }

  private static byte[] readBody(Response response) throws IOException {
    ResponseBody body = response.body();
    return body == null ? new byte[0] : body.bytes();
  }

  private <T> T parse(
      String operation, Response response, byte[] body, String trackingId, Reader<T> reader) {
    try {
      return reader.read(response, body);
    } catch (IOException e) {
      // A 2xx answer we cannot read is not retried: the call may have had its effect.
      throw new DpsException(
          operation,
          response.code(),
          null,
          trackingId,
          "DPS "
              + operation
              + " answered HTTP "
              + response.code()
              + " with a body that could not be read: "
              + Redaction.redact(firstLine(e.getMessage())),
          null);
    }
  }

  private DpsException httpFailure(
      String operation,
      Response response,
      byte[] body,
      int attempt,
      int maxAttempts,
      Duration retryAfter) {
    ProvisioningServiceErrorDetails details = null;
    if (body.length > 0) {
      try {
        details = json.readValue(body, ProvisioningServiceErrorDetails.class);
      } catch (IOException | RuntimeException e) {
        details = null; // Not JSON (a proxy's HTML page, plain text): keep the raw text below.
      }
    }
    Integer errorCode = details == null ? null : details.errorCode();
    if (errorCode == null) {
      errorCode = parseInt(response.header("x-ms-error-code"));
    }
    String trackingId = details == null ? null : details.trackingId();
    if (trackingId == null) {
      trackingId = response.header("x-ms-request-id");
    }
    String message = details == null ? null : details.message();
    if (message == null && body.length > 0 && details == null) {
      message = new String(body, StandardCharsets.UTF_8);
    }
    StringBuilder text =
        new StringBuilder("DPS ")
            .append(operation)
            .append(" failed: HTTP ")
            .append(response.code());
    if (errorCode != null) {
      text.append(", errorCode=").append(errorCode);
    }
    if (trackingId != null) {
      text.append(", trackingId=").append(trackingId);
    }
    if (attempt > 1 || maxAttempts > 1 && isRetryableStatus(response.code())) {
      text.append(", attempt ").append(attempt).append(" of ").append(maxAttempts);
    }
    if (message != null && !message.isBlank()) {
      text.append(": ").append(Redaction.redact(abbreviate(message)));
    }
    return new DpsException(
        operation, response.code(), errorCode, trackingId, text.toString(), null, retryAfter);
  }

  /** A rejected server certificate will not heal within a retry budget; fail fast. */
  private static boolean isCertificateFailure(DpsException failure) {
    for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLPeerUnverifiedException || t instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRetryableStatus(int status) {
    return status == 429 || status >= 500;
  }

  private static DpsException ioFailure(
      String operation, IOException e, int attempt, int maxAttempts) {
    String kind =
        e instanceof InterruptedIOException
            ? "timed out"
            : e instanceof SSLException ? "TLS failure" : "network failure";
    return new DpsException(
        operation,
        0,
        null,
        null,
        "DPS "
            + operation
            + " failed without an answer ("
            + kind
            + ", attempt "
            + attempt
            + " of "
            + maxAttempts
            + "): "
            + e.getClass().getSimpleName()
            + ": "
            + Redaction.redact(firstLine(e.getMessage())),
        e);
  }

  /** Exponential backoff with full jitter, or {@code Retry-After}; both capped by maxBackoff. */
  private Duration backoff(int attempt, Duration retryAfter) {
    Duration max = config.maxBackoff();
    if (retryAfter != null) {
      return retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    long base = config.baseBackoff().toNanos();
    long ceiling = max.toNanos();
    int shift = Math.min(attempt - 1, 30);
    long exp = base > (ceiling >> shift) ? ceiling : Math.min(ceiling, base << shift);
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(exp + 1));
  }

  /** Seconds (integer or decimal) or an HTTP date; null if absent or unreadable. */
  Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    try {
      BigDecimal seconds = new BigDecimal(value);
      if (seconds.signum() < 0) {
        return null;
      }
      return Duration.ofNanos(
          seconds.movePointRight(9).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue());
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(config.clock().instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private static Integer parseInt(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return abbreviate(nl < 0 ? s : s.substring(0, nl));
  }

  private static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_ERROR_TEXT
        ? oneLine
        : oneLine.substring(0, MAX_ERROR_TEXT) + "...";
  }
}
