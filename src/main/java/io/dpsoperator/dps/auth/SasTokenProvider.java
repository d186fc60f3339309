package io.dpsoperator.dps.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes the {@code Authorization} value of the DPS service API: {@code SharedAccessSignature
 * sr=<host>&sig=<signature>&se=<expiry>&skn=<policy>}. A token is cached and reused until {@link
 * #refreshBefore()} ahead of its expiry, so calls do not sign each time. Thread-safe.
 */
public final class SasTokenProvider {
  /** Lifetime of a new token. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** A token is replaced this long before it expires. */
  public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);

  private final String resourceUri;
  private final String keyName;
  private final byte[] key;
  private final String fixedToken;
  private final Duration ttl;
  private final Duration refreshBefore;
  private final Clock clock;

  private String cachedToken;
  private Instant cachedExpiry;

  /**
   * A provider for a connection string; with a {@code SharedAccessSignature} it always returns that
   * token (it cannot make new ones).
   *
   * @param ttl the lifetime of a new token (more than {@code refreshBefore})
   * @param refreshBefore how long before expiry a cached token is replaced
   */
  public SasTokenProvider(
      ConnectionString connectionString, Duration ttl, Duration refreshBefore, Clock clock) {
    Objects.requireNonNull(connectionString, "connectionString");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.refreshBefore = Objects.requireNonNull(refreshBefore, "refreshBefore");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("SAS token TTL must be at least 1s, was " + ttl);
    }
    if (refreshBefore.isNegative() || refreshBefore.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "SAS token refresh margin must be >= 0 and shorter than the TTL (" + ttl + ")");
    }
    this.resourceUri = connectionString.hostName();
    this.keyName = connectionString.sharedAccessKeyName().orElse(null);
    this.fixedToken = connectionString.sharedAccessSignature().orElse(null);
    this.key =
        connectionString.sharedAccessKey().map(k -> Base64.getDecoder().decode(k)).orElse(null);
  }

  /** A provider with the default TTL (1 h) and refresh margin (5 min) on the system clock. */
  public SasTokenProvider(ConnectionString connectionString) {
    this(connectionString, DEFAULT_TTL, DEFAULT_REFRESH_BEFORE, Clock.systemUTC());
  }

  /** The current token, a cached one while it is valid for longer than the refresh margin. */
  public synchronized String token() {
    if (fixedToken != null) {
      return fixedToken;
    }
    Instant now = clock.instant();
    if (cachedToken == null || !now.isBefore(cachedExpiry.minus(refreshBefore))) {
      long expiry = now.plus(ttl).getEpochSecond();
      cachedToken = sign(resourceUri, key, keyName, expiry);
      cachedExpiry = Instant.ofEpochSecond(expiry);
    }
    return cachedToken;
  }

  /** The lifetime of new tokens. */
  public Duration ttl() {
    return ttl;
  }

  /** How long before expiry a token is replaced. */
  public Duration refreshBefore() {
    return refreshBefore;
  }

  /**
   * Makes a token as DPS expects it: {@code sr} is the URL-encoded lower-cased resource URI, the
   * signed string is {@code sr + "\n" + se}, the signature is HMAC-SHA256 with the base64-decoded
   * key, base64- and then URL-encoded.
   *
   * @param resourceUri the DPS host name (no scheme), optionally with a path prefix
   * @param base64Key the policy key, base64
   * @param keyName the policy name ({@code skn}); omitted from the token when null
   * @param expiryEpochSeconds the expiry ({@code se}) in seconds since the epoch
   */
  public static String generate(
      String resourceUri, String base64Key, String keyName, long expiryEpochSeconds) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Objects.requireNonNull(base64Key, "base64Key"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SAS key is not valid base64");
    }
    return sign(resourceUri, key, keyName, expiryEpochSeconds);
  }

  private static String sign(String resourceUri, byte[] key, String keyName, long expiry) {
    String sr = urlEncode(resourceUri.toLowerCase(Locale.ROOT));
    String signature = Base64.getEncoder().encodeToString(hmacSha256(key, sr + "\n" + expiry));
    StringBuilder token =
        new StringBuilder("SharedAccessSignature sr=")
            .append(sr)
            .append("&sig=")
            .append(urlEncode(signature))
            .append("&se=")
            .append(expiry);
    if (keyName != null) {
      token.append("&skn=").append(urlEncode(keyName));
    }
    return token.toString();
  }

  static byte[] hmacSha256(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Both are impossible for HmacSHA256 on a standard JDK with a non-empty key.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SasTokenProvider[resourceUri=" + resourceUri + ", keyName=" + keyName + "]";
  }
}
