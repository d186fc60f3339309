package io.dpsoperator.operator;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read once from {@code DPS_OPERATOR_*} environment variables. Every
 * key has a default and a one-line description ({@link #SETTINGS}); tests pass a map.
 */
public record OperatorConfig(
    String namespace,
    String connectionSecret,
    String connectionSecretKey,
    Set<String> watchNamespaces,
    Duration resyncInterval,
    Duration groupStatusInterval,
    int rateLimitPerMinute,
    Duration requestTimeout,
    Duration connectTimeout,
    Optional<String> caBundleFile,
    Optional<String> idScope,
    String deviceEndpoint,
    boolean leaderElection,
    String leaderElectionLease,
    int httpPort,
    String logLevel,
    String logFormat,
    boolean embeddedDps,
    Duration statusHeartbeat,
    Duration certificateExpiryWarning,
    int queryPageSize,
    Duration registrationStateInterval,
    String controllerClass,
    Duration connectionCheckInterval,
    Map<String, String> workloadIdentityEnv) {

  /**
   * The variables the Azure workload identity webhook injects into the operator's pod ({@code
   * AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_FEDERATED_TOKEN_FILE}, {@code
   * AZURE_AUTHORITY_HOST}): not operator settings, but read with them so that tests can pass them.
   */
  public static final List<String> WORKLOAD_IDENTITY_ENV =
      List.of(
          "AZURE_CLIENT_ID",
          "AZURE_TENANT_ID",
          "AZURE_FEDERATED_TOKEN_FILE",
          "AZURE_AUTHORITY_HOST");

  /** One configuration key. */
  public record Setting(String key, String defaultValue, String description) {}

  /** Every key, its default and its meaning (the README's configuration reference). */
  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("DPS_OPERATOR_NAMESPACE", "default", "The operator's own namespace"),
          new Setting(
              "DPS_OPERATOR_CONNECTION_SECRET",
              "dps-connection",
              "Secret in the operator's namespace holding the default DPS connection string"),
          new Setting(
              "DPS_OPERATOR_CONNECTION_SECRET_KEY",
              "connectionString",
              "Key of the connection string in that Secret"),
          new Setting(
              "DPS_OPERATOR_WATCH_NAMESPACES",
              "",
              "Comma-separated namespaces to watch; empty watches the whole cluster"),
          new Setting(
              "DPS_OPERATOR_RESYNC_INTERVAL",
              "5m",
              "How often DPS's enrollments are read again (query pages for the whole DPS) to detect"
                  + " out-of-band changes; each resource is also re-checked within it"),
          new Setting(
              "DPS_OPERATOR_GROUP_STATUS_INTERVAL",
              "10m",
              "How often the registered-device summary of a group is refreshed"),
          new Setting(
              "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE",
              "1000",
              "DPS service operations per minute per DPS instance, shared by all reconcilers"),
          new Setting(
              "DPS_OPERATOR_REQUEST_TIMEOUT",
              "5s",
              "Timeout of one DPS request, connect to last byte (the client does not retry)"),
          new Setting(
              "DPS_OPERATOR_CONNECT_TIMEOUT", "2s", "Timeout of opening a connection to DPS"),
          new Setting(
              "DPS_OPERATOR_CA_BUNDLE_FILE",
              "",
              "PEM CA bundle trusted for DPS in addition to the system trust store"),
          new Setting(
              "DPS_OPERATOR_ID_SCOPE", "", "DPS ID scope written into generated device Secrets"),
          new Setting(
              "DPS_OPERATOR_DEVICE_ENDPOINT",
              "global.azure-devices-provisioning.net",
              "Device provisioning endpoint written into generated device Secrets"),
          new Setting(
              "DPS_OPERATOR_LEADER_ELECTION",
              "false",
              "Lease-based leader election (replicas > 1)"),
          new Setting(
              "DPS_OPERATOR_LEADER_ELECTION_LEASE",
              "dps-operator-leader",
              "Name of the leader-election Lease"),
          new Setting("DPS_OPERATOR_HTTP_PORT", "8080", "Port of /healthz, /readyz and /metrics"),
          new Setting("DPS_OPERATOR_LOG_LEVEL", "INFO", "Root log level"),
          new Setting("DPS_OPERATOR_LOG_FORMAT", "text", "Log format: text or json"),
          new Setting(
              "DPS_OPERATOR_EMBEDDED_DPS",
              "false",
              "Start the built-in DPS emulator beside the operator (try-out without Azure)"),
          new Setting(
              "DPS_OPERATOR_STATUS_HEARTBEAT",
              "1h",
              "How often status.lastSyncTime moves while nothing changes (one status write per"
                  + " resource per interval)"),
          new Setting(
              "DPS_OPERATOR_CERTIFICATE_EXPIRY_WARNING",
              "30d",
              "How long before an X.509 certificate in use expires a Warning Event is recorded"),
          new Setting(
              "DPS_OPERATOR_QUERY_PAGE_SIZE",
              "100",
              "Records per DPS query page when the operator reads a DPS's enrollments (one DPS"
                  + " call per page per resync interval)"),
          new Setting(
              "DPS_OPERATOR_REGISTRATION_STATE_INTERVAL",
              "1h",
              "How often the registration state of an individual enrollment is read (one DPS"
                  + " call per enrollment per interval; DPS queries do not carry it)"),
          new Setting(
              "DPS_OPERATOR_CONTROLLER_CLASS",
              "",
              "Reconcile only resources labelled dpsoperator.io/controller-class with this value;"
                  + " empty reconciles only resources without the label"),
          new Setting(
              "DPS_OPERATOR_CONNECTION_CHECK_INTERVAL",
              "10m",
              "How often each DpsConnection and ClusterDpsConnection is checked with one query of"
                  + " its DPS (also at once when its spec or Secret changes)"));

  /** Reads the configuration from environment variables; unknown keys are ignored. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      String value = env.get(s.key());
      v.put(s.key(), value == null || value.isBlank() ? s.defaultValue() : value.trim());
    }
    return new OperatorConfig(
        v.get("DPS_OPERATOR_NAMESPACE"),
        v.get("DPS_OPERATOR_CONNECTION_SECRET"),
        v.get("DPS_OPERATOR_CONNECTION_SECRET_KEY"),
        Arrays.stream(v.get("DPS_OPERATOR_WATCH_NAMESPACES").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        duration("DPS_OPERATOR_RESYNC_INTERVAL", v),
        duration("DPS_OPERATOR_GROUP_STATUS_INTERVAL", v),
        positiveInt("DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", v),
        duration("DPS_OPERATOR_REQUEST_TIMEOUT", v),
        duration("DPS_OPERATOR_CONNECT_TIMEOUT", v),
        optional(v.get("DPS_OPERATOR_CA_BUNDLE_FILE")),
        optional(v.get("DPS_OPERATOR_ID_SCOPE")),
        v.get("DPS_OPERATOR_DEVICE_ENDPOINT"),
        bool("DPS_OPERATOR_LEADER_ELECTION", v),
        v.get("DPS_OPERATOR_LEADER_ELECTION_LEASE"),
        positiveInt("DPS_OPERATOR_HTTP_PORT", v),
        v.get("DPS_OPERATOR_LOG_LEVEL").toUpperCase(java.util.Locale.ROOT),
        oneOf("DPS_OPERATOR_LOG_FORMAT", v, "text", "json"),
        bool("DPS_OPERATOR_EMBEDDED_DPS", v),
        duration("DPS_OPERATOR_STATUS_HEARTBEAT", v),
        duration("DPS_OPERATOR_CERTIFICATE_EXPIRY_WARNING", v),
        positiveInt("DPS_OPERATOR_QUERY_PAGE_SIZE", v),
        duration("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", v),
        controllerClass(v.get("DPS_OPERATOR_CONTROLLER_CLASS")),
        duration("DPS_OPERATOR_CONNECTION_CHECK_INTERVAL", v),
        workloadIdentityEnv(env));
  }

  private static Map<String, String> workloadIdentityEnv(Map<String, String> env) {
    Map<String, String> wi = new LinkedHashMap<>();
    for (String key : WORKLOAD_IDENTITY_ENV) {
      String value = env.get(key);
      if (value != null && !value.isBlank()) {
        wi.put(key, value.trim());
      }
    }
    return Map.copyOf(wi);
  }

  /** The configuration with every default. */
  public static OperatorConfig defaults() {
    return fromEnv(Map.of());
  }

  /** A copy with other settings layered over this one's environment. */
  public static OperatorConfig fromEnv(Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(overrides);
    return fromEnv(merged);
  }

  /** Whether the operator watches every namespace. */
  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  /** A label value: at most 63 characters, alphanumeric at both ends, - _ . inside. */
  private static String controllerClass(String value) {
    if (!value.isEmpty() && !value.matches("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")) {
      throw new IllegalArgumentException(
          "DPS_OPERATOR_CONTROLLER_CLASS must be a label value: at most 63 letters, digits, '-',"
              + " '_' or '.', starting and ending with a letter or digit");
    }
    return value;
  }

  private static Optional<String> optional(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private static boolean bool(String key, Map<String, String> v) {
    return switch (v.get(key).toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false");
    };
  }

  private static int positiveInt(String key, Map<String, String> v) {
    try {
      int n = Integer.parseInt(v.get(key));
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer");
    }
  }

  private static String oneOf(String key, Map<String, String> v, String... allowed) {
    String value = v.get(key).toLowerCase(java.util.Locale.ROOT);
    if (!Arrays.asList(allowed).contains(value)) {
      throw new IllegalArgumentException(key + " must be one of " + String.join(", ", allowed));
    }
    return value;
  }

  /**
   * Parses {@code 90s}, {@code 5m}, {@code 1h}, {@code 30d}, {@code 250ms} or an ISO-8601 duration.
   */
  static Duration duration(String key, Map<String, String> v) {
    String s = v.get(key).trim().toLowerCase(java.util.Locale.ROOT);
    try {
      Duration d;
      if (s.startsWith("p")) {
        d = Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
      } else if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("d")) {
        d = Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        throw new IllegalArgumentException();
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + " must be a duration such as 30s, 5m or 1h, got '" + v.get(key) + "'");
    }
  }
}
