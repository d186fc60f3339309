package io.dpsoperator.dps;

import io.dpsoperator.dps.auth.ConnectionString;
import io.dpsoperator.dps.auth.DpsCredential;
import io.dpsoperator.dps.auth.SasCredential;
import io.dpsoperator.dps.auth.SasTokenProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The settings of a DPS client. Build one with {@link #builder(String)} from a connection string,
 * or with {@link #builder(String, DpsCredential)} from a host and a credential (e.g. workload
 * identity); every other setting has a default.
 *
 * @param connectionString where and as whom to connect; {@code HostName} may carry {@code :port}
 *     and, for local development, {@code http://}; null when built from a host and a credential
 * @param hostName the DPS host, with {@code :port} when given, without scheme
 * @param hostScheme the scheme given in front of the host ({@code https} or {@code http}), or null
 * @param credential the credential of a client built from a host, or null with a connection string
 * @param caBundlePem extra trusted CA certificates as PEM text, added to the system trust store
 * @param caBundlePath a file with extra trusted CA certificates (PEM), read when the client is
 *     made; at most one of the two CA bundle settings is set
 * @param requestTimeout the time limit of one HTTP attempt, connect to last byte
 * @param connectTimeout the time limit of opening a connection (TCP), within {@code
 *     requestTimeout}; defaults to {@code requestTimeout}
 * @param maxRetries how many times a retryable failure (network, timeout, 429, 5xx) is retried
 * @param baseBackoff the first retry's backoff ceiling; it doubles per retry (full jitter)
 * @param maxBackoff the largest wait between attempts, also the cap on {@code Retry-After}
 * @param operationsPerMinute the rate of the client's own limiter; ignored when {@code rateLimiter}
 *     is set
 * @param rateLimitTimeout how long a call may wait for a rate-limiter permit before it fails
 * @param allowHttp whether an {@code http://} host name is accepted (local development only)
 * @param apiVersion the {@code api-version} query parameter
 * @param rateLimiter a limiter shared with other clients, or null for one of their own
 * @param tokenTtl the lifetime of a SAS token
 * @param tokenRefreshBefore how long before expiry a cached SAS token is replaced
 * @param clock the wall clock of SAS expiry times and HTTP-date {@code Retry-After} values
 * @param sleeper how the client waits between retries (tests pass a fake)
 * @param nanoTicker the monotonic clock of the client's own rate limiter (tests pass a fake)
 */
public record DpsClientConfig(
    ConnectionString connectionString,
    String hostName,
    String hostScheme,
    DpsCredential credential,
    String caBundlePem,
    Path caBundlePath,
    Duration requestTimeout,
    Duration connectTimeout,
    int maxRetries,
    Duration baseBackoff,
    Duration maxBackoff,
    int operationsPerMinute,
    Duration rateLimitTimeout,
    boolean allowHttp,
    String apiVersion,
    DpsRateLimiter rateLimiter,
    Duration tokenTtl,
    Duration tokenRefreshBefore,
    Clock clock,
    Sleeper sleeper,
    LongSupplier nanoTicker) {

  /** The api-version the client speaks. */
  public static final String DEFAULT_API_VERSION = "2021-10-01";

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RETRIES = 4;
  public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** The service-operation quota of one DPS unit. */
  public static final int DEFAULT_OPERATIONS_PER_MINUTE = 1000;

  public static final Duration DEFAULT_RATE_LIMIT_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?(:[0-9]{1,5})?");

  public DpsClientConfig {
    if (connectionString != null) {
      if (credential != null) {
        throw new IllegalArgumentException(
            "Give the DPS connection string or a host and a credential, not both");
      }
      hostName = connectionString.hostName();
      hostScheme = connectionString.scheme().orElse(null);
    } else {
      Objects.requireNonNull(credential, "credential");
      if (hostName == null || !HOST.matcher(hostName).matches()) {
        throw new IllegalArgumentException(
            "DPS host '"
                + hostName
                + "' is not a host name (letters, digits, '-', '.', '_', optionally ':port')");
      }
      if (hostScheme != null && !hostScheme.equals("https") && !hostScheme.equals("http")) {
        throw new IllegalArgumentException(
            "DPS host has an unsupported scheme '"
                + hostScheme
                + "' (only https, or http for local development)");
      }
    }
    if (caBundlePem != null && caBundlePath != null) {
      throw new IllegalArgumentException(
          "Give the DPS CA bundle as PEM text or as a path, not both");
    }
    if (caBundlePem != null && caBundlePem.isBlank()) {
      caBundlePem = null;
    }
    requirePositive(requestTimeout, "requestTimeout");
    if (connectTimeout == null) {
      connectTimeout = requestTimeout;
    }
    requirePositive(connectTimeout, "connectTimeout");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    requirePositive(baseBackoff, "baseBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be shorter than baseBackoff");
    }
    if (operationsPerMinute < 1) {
      throw new IllegalArgumentException(
          "operationsPerMinute must be at least 1, was " + operationsPerMinute);
    }
    Objects.requireNonNull(rateLimitTimeout, "rateLimitTimeout");
    if (rateLimitTimeout.isNegative()) {
      throw new IllegalArgumentException("rateLimitTimeout must not be negative");
    }
    if (apiVersion == null || apiVersion.isBlank()) {
      throw new IllegalArgumentException("apiVersion must not be blank");
    }
    requirePositive(tokenTtl, "tokenTtl");
    Objects.requireNonNull(tokenRefreshBefore, "tokenRefreshBefore");
    if (tokenRefreshBefore.isNegative() || tokenRefreshBefore.compareTo(tokenTtl) >= 0) {
      throw new IllegalArgumentException(
          "tokenRefreshBefore must be >= 0 and shorter than tokenTtl");
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(nanoTicker, "nanoTicker");
    if ("http".equals(hostScheme) && !allowHttp) {
      throw new IllegalArgumentException(
          "DPS host "
              + hostName
              + " is given with http://, which sends credentials unencrypted; use https, or set"
              + " allowHttp for local development");
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** A builder for a connection string; throws {@link IllegalArgumentException} if malformed. */
  public static Builder builder(String connectionString) {
    return new Builder(ConnectionString.parse(connectionString), null, null);
  }

  /** A builder for a parsed connection string. */
  public static Builder builder(ConnectionString connectionString) {
    return new Builder(Objects.requireNonNull(connectionString, "connectionString"), null, null);
  }

  /**
   * A builder for a DPS host and a credential.
   *
   * @param host the DPS host name, e.g. {@code mydps.azure-devices-provisioning.net}, optionally
   *     with {@code :port} and a scheme ({@code https://}, or {@code http://} for local
   *     development)
   * @param credential the credential that makes the {@code Authorization} header
   */
  public static Builder builder(String host, DpsCredential credential) {
    Objects.requireNonNull(credential, "credential");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("DPS host is empty");
    }
    String h = host.trim();
    String scheme = null;
    int sep = h.indexOf("://");
    if (sep >= 0) {
      scheme = h.substring(0, sep).toLowerCase(Locale.ROOT);
      h = h.substring(sep + 3);
    }
    if (h.endsWith("/")) {
      h = h.substring(0, h.length() - 1);
    }
    Builder b = new Builder(null, credential, h);
    b.hostScheme = scheme;
    return b;
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder(connectionString, credential, hostName);
    b.hostScheme = hostScheme;
    b.caBundlePem = caBundlePem;
    b.caBundlePath = caBundlePath;
    b.requestTimeout = requestTimeout;
    b.connectTimeout = connectTimeout;
    b.maxRetries = maxRetries;
    b.baseBackoff = baseBackoff;
    b.maxBackoff = maxBackoff;
    b.operationsPerMinute = operationsPerMinute;
    b.rateLimitTimeout = rateLimitTimeout;
    b.allowHttp = allowHttp;
    b.apiVersion = apiVersion;
    b.rateLimiter = rateLimiter;
    b.tokenTtl = tokenTtl;
    b.tokenRefreshBefore = tokenRefreshBefore;
    b.clock = clock;
    b.sleeper = sleeper;
    b.nanoTicker = nanoTicker;
    return b;
  }

  /** {@code https}, or {@code http} when the host name says so (and it is allowed). */
  public String scheme() {
    return hostScheme == null ? "https" : hostScheme;
  }

  /**
   * Creates the SAS token provider of these settings.
   *
   * @throws IllegalStateException when these settings have a credential, not a connection string
   */
  public SasTokenProvider newTokenProvider() {
    if (connectionString == null) {
      throw new IllegalStateException("A DPS client with a credential has no SAS token provider");
    }
    return new SasTokenProvider(connectionString, tokenTtl, tokenRefreshBefore, clock);
  }

  /**
   * The credential given with the host, or a new {@link SasCredential} of the connection string
   * (its own token cache, with {@code tokenTtl} and {@code tokenRefreshBefore}).
   */
  public DpsCredential credentialOrNew() {
    return credential != null ? credential : new SasCredential(newTokenProvider());
  }

  /** The shared limiter if one is set, otherwise a new one at {@code operationsPerMinute}. */
  public DpsRateLimiter rateLimiterOrNew() {
    if (rateLimiter != null) {
      return rateLimiter;
    }
    return new DpsRateLimiter(
        operationsPerMinute, DpsRateLimiter.defaultBurst(operationsPerMinute), nanoTicker, sleeper);
  }

  /** Never shows the key, signature or CA bundle contents. */
  @Override
  public String toString() {
    return "DpsClientConfig["
        + (connectionString != null
            ? "connectionString=" + connectionString
            : "host="
                + (hostScheme == null ? "" : hostScheme + "://")
                + hostName
                + ", credential="
                + credential.type())
        + ", caBundle="
        + (caBundlePath != null ? caBundlePath : caBundlePem != null ? "<pem>" : "none")
        + ", requestTimeout="
        + requestTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", maxRetries="
        + maxRetries
        + ", baseBackoff="
        + baseBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", operationsPerMinute="
        + (rateLimiter != null
            ? rateLimiter.operationsPerMinute() + " (shared)"
            : operationsPerMinute)
        + ", rateLimitTimeout="
        + rateLimitTimeout
        + ", allowHttp="
        + allowHttp
        + ", apiVersion="
        + apiVersion
        + ", tokenTtl="
        + tokenTtl
        + ", tokenRefreshBefore="
        + tokenRefreshBefore
        + "]";
  }

  /** Builds a {@link DpsClientConfig}. */
  public static final class Builder {
    private final ConnectionString connectionString;
    private final DpsCredential credential;
    private final String hostName;
    private String hostScheme;
    private String caBundlePem;
    private Path caBundlePath;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration connectTimeout;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration baseBackoff = DEFAULT_BASE_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int operationsPerMinute = DEFAULT_OPERATIONS_PER_MINUTE;
    private Duration rateLimitTimeout = DEFAULT_RATE_LIMIT_TIMEOUT;
    private boolean allowHttp;
    private String apiVersion = DEFAULT_API_VERSION;
    private DpsRateLimiter rateLimiter;
    private Duration tokenTtl = SasTokenProvider.DEFAULT_TTL;
    private Duration tokenRefreshBefore = SasTokenProvider.DEFAULT_REFRESH_BEFORE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private LongSupplier nanoTicker = System::nanoTime;

    private Builder(ConnectionString connectionString, DpsCredential credential, String hostName) {
      this.connectionString = connectionString;
      this.credential = credential;
      this.hostName = hostName;
    }

    /** Extra trusted CA certificates as PEM text (one or more certificates). */
    public Builder caBundlePem(String pem) {
      this.caBundlePem = pem;
      return this;
    }

    /** A PEM file with extra trusted CA certificates. */
    public Builder caBundlePath(Path path) {
      this.caBundlePath = path;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      this.requestTimeout = v;
      return this;
    }

    /** The time limit of opening a connection; unset, it is the request timeout. */
    public Builder connectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    public Builder maxRetries(int v) {
      this.maxRetries = v;
      return this;
    }

    public Builder baseBackoff(Duration v) {
      this.baseBackoff = v;
      return this;
    }

    public Builder maxBackoff(Duration v) {
      this.maxBackoff = v;
      return this;
    }

    public Builder operationsPerMinute(int v) {
      this.operationsPerMinute = v;
      return this;
    }

    public Builder rateLimitTimeout(Duration v) {
      this.rateLimitTimeout = v;
      return this;
    }

    /** Accept an {@code http://} host name; for a local emulator only. */
    public Builder allowHttp(boolean v) {
      this.allowHttp = v;
      return this;
    }

    public Builder apiVersion(String v) {
      this.apiVersion = v;
      return this;
    }

    /** A limiter shared with other clients; pass the same instance to every client. */
    public Builder rateLimiter(DpsRateLimiter v) {
      this.rateLimiter = v;
      return this;
    }

    public Builder tokenTtl(Duration v) {
      this.tokenTtl = v;
      return this;
    }

    public Builder tokenRefreshBefore(Duration v) {
      this.tokenRefreshBefore = v;
      return this;
    }

    public Builder clock(Clock v) {
      this.clock = v;
      return this;
    }

    public Builder sleeper(Sleeper v) {
      this.sleeper = v;
      return this;
    }

    public Builder nanoTicker(LongSupplier v) {
      this.nanoTicker = v;
      return this;
    }

    public DpsClientConfig build() {
      return new DpsClientConfig(
          connectionString,
          hostName,
          hostScheme,
          credential,
          caBundlePem,
          caBundlePath,
          requestTimeout,
          connectTimeout,
          maxRetries,
          baseBackoff,
          maxBackoff,
          operationsPerMinute,
          rateLimitTimeout,
          allowHttp,
          apiVersion,
          rateLimiter,
          tokenTtl,
          tokenRefreshBefore,
          clock,
          sleeper,
          nanoTicker);
    }
  }
}
