package io.dpsoperator.dps.auth;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed DPS service connection string: {@code
 * HostName=...;SharedAccessKeyName=...;SharedAccessKey=...} (segments in any order), or with a
 * ready-made {@code SharedAccessSignature=...} instead of the key.
 *
 * <p>{@code HostName} may carry a port ({@code localhost:8443}) and, for local development only, an
 * explicit scheme ({@code http://localhost:8080}); without a scheme the client uses HTTPS. Error
 * messages and {@link #toString()} never contain the key or the signature.
 */
public final class ConnectionString {
  private static final String HOST_NAME = "HostName";
  private static final String KEY_NAME = "SharedAccessKeyName";
  private static final String KEY = "SharedAccessKey";
  private static final String SIGNATURE = "SharedAccessSignature";

  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9_\\-.]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");
  private static final Pattern KEY_NAME_PATTERN = Pattern.compile("[A-Za-z0-9_\\-.@]+");

  private final String scheme;
  private final String hostName;
  private final String sharedAccessKeyName;
  private final String sharedAccessKey;
  private final String sharedAccessSignature;

  private ConnectionString(
      String scheme,
      String hostName,
      String sharedAccessKeyName,
      String sharedAccessKey,
      String sharedAccessSignature) {
    this.scheme = scheme;
    this.hostName = hostName;
    this.sharedAccessKeyName = sharedAccessKeyName;
    this.sharedAccessKey = sharedAccessKey;
    this.sharedAccessSignature = sharedAccessSignature;
  }

  /**
   * Parses a connection string.
   *
   * @throws IllegalArgumentException if it is malformed; the message names the problem but never
   *     repeats a key or signature
   */
  public static ConnectionString parse(String connectionString) {
    if (connectionString == null || connectionString.isBlank()) {
      throw new IllegalArgumentException("DPS connection string is empty");
    }
    Map<String, String> values = new LinkedHashMap<>();
    String[] segments = connectionString.trim().split(";");
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i].trim();
      if (segment.isEmpty()) {
        continue;
      }
      int eq = segment.indexOf('=');
      if (eq <= 0) {
        // Never echo the segment: it may be (part of) a key.
        throw new IllegalArgumentException(
            "DPS connection string segment "
                + (i + 1)
                + " is not of the form Name=value (expected"
                + " HostName=...;SharedAccessKeyName=...;SharedAccessKey=...)");
      }
      String name = canonicalName(segment.substring(0, eq).trim());
      if (name == null) {
        // Never echo the name either: a key split by a stray ';' would show up here.
        throw new IllegalArgumentException(
            "DPS connection string segment "
                + (i + 1)
                + " has an unknown name (expected HostName, SharedAccessKeyName,"
                + " SharedAccessKey or SharedAccessSignature)");
      }
      String value = segment.substring(eq + 1).trim();
      if (values.containsKey(name)) {
        throw new IllegalArgumentException("DPS connection string has " + name + " twice");
      }
      values.put(name, value);
    }

    String host = values.get(HOST_NAME);
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("DPS connection string has no HostName");
    }
    String scheme = null;
    int sep = host.indexOf("://");
    if (sep >= 0) {
      scheme = host.substring(0, sep).toLowerCase(Locale.ROOT);
      host = host.substring(sep + 3);
      if (host.endsWith("/")) {
        host = host.substring(0, host.length() - 1);
      }
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException(
            "DPS connection string HostName has an unsupported scheme '"
                + scheme
                + "' (only https, or http for local development)");
      }
    }
    if (!HOST.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "DPS connection string HostName '"
              + host
              + "' is not a host name (letters, digits, '-', '.', '_', optionally ':port')");
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      int port = Integer.parseInt(host.substring(host.indexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("DPS connection string HostName has an invalid port");
      }
    }

    String keyName = values.get(KEY_NAME);
    String key = values.get(KEY);
    String signature = values.get(SIGNATURE);
    if (key != null && signature != null) {
      throw new IllegalArgumentException(
          "DPS connection string has both SharedAccessKey and SharedAccessSignature; give one");
    }
    if (key == null && signature == null) {
      throw new IllegalArgumentException(
          "DPS connection string has neither SharedAccessKey nor SharedAccessSignature");
    }
    if (key != null) {
      if (keyName == null || keyName.isEmpty()) {
        throw new IllegalArgumentException("DPS connection string has no SharedAccessKeyName");
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("DPS connection string has an empty SharedAccessKey");
      }
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(key);
      } catch (IllegalArgumentException e) {
        // Deliberately without the cause: its message could quote key characters.
        throw new IllegalArgumentException(
            "DPS connection string SharedAccessKey is not valid base64");
      }
      if (decoded.length == 0) {
        throw new IllegalArgumentException("DPS connection string has an empty SharedAccessKey");
      }
    } else {
      if (!signature.startsWith("SharedAccessSignature ")
          || !signature.contains("sr=")
          || !signature.contains("sig=")
          || !signature.contains("se=")) {
        throw new IllegalArgumentException(
            "DPS connection string SharedAccessSignature is not of the form"
                + " 'SharedAccessSignature sr=...&sig=...&se=...&skn=...'");
      }
    }
    if (keyName != null && !keyName.isEmpty() && !KEY_NAME_PATTERN.matcher(keyName).matches()) {
      throw new IllegalArgumentException(
          "DPS connection string SharedAccessKeyName has invalid characters");
    }
    return new ConnectionString(
        scheme, host, keyName == null || keyName.isEmpty() ? null : keyName, key, signature);
  }

  private static String canonicalName(String name) {
    for (String known : new String[] {HOST_NAME, KEY_NAME, KEY, SIGNATURE}) {
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    return null;
  }

  /** The host, with {@code :port} when given, without scheme, e.g. {@code mydps.azure-...net}. */
  public String hostName() {
    return hostName;
  }

  /** The scheme written in front of the host name, if any ({@code https} or {@code http}). */
  public Optional<String> scheme() {
    return Optional.ofNullable(scheme);
  }

  /** The shared access policy name ({@code skn}); may be absent with a ready-made signature. */
  public Optional<String> sharedAccessKeyName() {
    return Optional.ofNullable(sharedAccessKeyName);
  }

  /** The base64 policy key; secret, never log it. */
  public Optional<String> sharedAccessKey() {
    return Optional.ofNullable(sharedAccessKey);
  }

  /** A ready-made SAS token given instead of a key; secret, never log it. */
  public Optional<String> sharedAccessSignature() {
    return Optional.ofNullable(sharedAccessSignature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionString other
        && Objects.equals(scheme, other.scheme)
        && hostName.equals(other.hostName)
        && Objects.equals(sharedAccessKeyName, other.sharedAccessKeyName)
        && Objects.equals(sharedAccessKey, other.sharedAccessKey)
        && Objects.equals(sharedAccessSignature, other.sharedAccessSignature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, hostName, sharedAccessKeyName);
  }

  /** Shows the host and policy name; the key or signature appears only as {@code ***}. */
  @Override
  public String toString() {
    return "HostName="
        + (scheme == null ? "" : scheme + "://")
        + hostName
        + (sharedAccessKeyName == null ? "" : ";SharedAccessKeyName=" + sharedAccessKeyName)
        + (sharedAccessKey == null ? "" : ";SharedAccessKey=***")
        + (sharedAccessSignature == null ? "" : ";SharedAccessSignature=***");
  }
}
