package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DPS-compatible server: the service (enrollment) API and the device registration API on one
 * HTTPS port (which also serves MQTT and AMQP over WebSockets), the device registration API over
 * MQTT and AMQP on ports of their own, with SAS and X.509 authentication, throttling and fault
 * injection.
 *
 * <pre>{@code
 * try (DpsEmulator dps = DpsEmulator.builder().build().start()) {
 *   String cs = dps.serviceConnectionString();
 * }
 * }</pre>
 */
public final class DpsEmulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DpsEmulator.class);

  static {
    enableTcpNoDelay();
  }

  /**
   * Turns on TCP_NODELAY for the JDK HTTP server (the admin listener; the HTTPS and MQTT ports are
   * Netty, which sets it per connection). Without it a response written in two TCP segments
   * (headers, then body) waits for the client's delayed ACK (Nagle): about 44 ms per request. The
   * JDK reads {@code sun.net.httpserver.nodelay} once, when its {@code ServerConfig} class
   * initialises, so this must run before the first {@code HttpServer} of the JVM is created; an
   * explicit {@code -Dsun.net.httpserver.nodelay=false} is respected.
   */
  public static void enableTcpNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The policy every new DPS instance has. */
  public static final String DEFAULT_POLICY = "provisioningserviceowner";

  /** The hub linked when none is configured. */
  public static final String DEFAULT_HUB = "emulated-hub.azure-devices.net";

  private final Builder settings;
  private final String idScope;
  private final List<EmulatorConfig.Policy> policies;
  private final Faults faults = new Faults();
  private final EmulatorState state = new EmulatorState();
  private final ServiceRequestCounts serviceRequests = new ServiceRequestCounts();
  private Listeners listeners;
  private HttpServer adminServer;
  private int boundMqttPort = -1;
  private int boundAmqpPort = -1;
  private ExecutorService executor;
  private Persistence persistence;
  private String caPem;
  private Path caFile;
  private int boundPort = -1;
  private EntraIssuer entra;

  private DpsEmulator(Builder b) {
    this.settings = b;
    String scope = b.idScope;
    List<EmulatorConfig.Policy> pols = new ArrayList<>(b.policies);
    ObjectNode instance = readInstanceFile(b.dataDirectory);
    if (scope == null) {
      scope =
          instance != null && instance.hasNonNull("idScope")
              ? instance.get("idScope").asText()
              : "0ne" + String.format("%08X", new SecureRandom().nextInt());
    }
    if (pols.isEmpty()) {
      String key =
          instance != null && instance.hasNonNull("defaultPolicyKey")
              ? instance.get("defaultPolicyKey").asText()
              : randomKey(32);
      pols.add(new EmulatorConfig.Policy(DEFAULT_POLICY, key, EnumSet.allOf(EmulatorRight.class)));
    }
    this.idScope = scope;
    this.policies = List.copyOf(pols);
    if (b.dataDirectory != null) {
      writeInstanceFile(b.dataDirectory, b.policies.isEmpty() ? pols.get(0).key() : null);
    }
    if (b.initialFaults != null) {
      faults.set(b.initialFaults);
    }
  }

  /** A builder with the defaults documented on each setter. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Generates or loads the TLS material, loads persisted state and starts listening. */
  public synchronized DpsEmulator start() {
    if (listeners != null) {
      throw new IllegalStateException("already started");
    }
    try {
      Path certDir =
          settings.certificateDirectory != null
              ? settings.certificateDirectory
              : settings.dataDirectory != null
                  ? settings.dataDirectory.resolve("certs")
                  : Files.createTempDirectory("dps-emulator-certs");
      Files.createDirectories(certDir);
      List<X509Certificate> serverChain;
      PrivateKey serverKey;
      if (settings.tlsCertPem != null) {
        serverChain = CertificateAuthority.readCertificates(settings.tlsCertPem);
        if (serverChain.isEmpty()) {
          throw new IllegalArgumentException("The TLS certificate PEM holds no certificate");
        }
        serverKey = CertificateAuthority.readPrivateKey(settings.tlsKeyPem);
        caPem = CertificateAuthority.toPem(List.of(serverChain.get(serverChain.size() - 1)));
        caFile = certDir.resolve("ca.pem");
        Files.writeString(caFile, caPem);
      } else {
        CertificateAuthority ca = loadOrCreateCa(certDir);
        CertificateAuthority.IssuedCertificate cert = ca.issueServer(dnsNames(), ipAddresses());
        serverChain = cert.chain();
        serverKey = cert.privateKey();
        caPem = ca.certificatePem();
        caFile = certDir.resolve("ca.pem");
        Files.writeString(certDir.resolve("server.pem"), cert.chainPem());
        writePrivate(certDir.resolve("server-key.pem"), cert.privateKeyPem());
      }
      SSLContext sslContext = sslContext(serverChain, serverKey);

      EmulatorConfig config = config();
      EnrollmentCodec codec =
          new EnrollmentCodec(config.hubNames(), config.verifiedCas().keySet(), config.clock());
      if (settings.dataDirectory != null) {
        persistence = new Persistence(settings.dataDirectory, state);
        persistence.load();
        state.onChange(persistence::markDirty);
      }
      HttpClient webhookClient =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      Allocator allocator = new Allocator(config, codec, webhookClient, settings.webhookTimeout);
      entra = newEntraIssuer(config);
      ServiceApi service = new ServiceApi(config, state, codec, entra);
      Registrations registrations =
          new Registrations(
              config,
              state,
              allocator,
              new RateLimiter(settings.registrationsPerMinute),
              settings.assignmentDelay,
              settings.registrationRetryAfter,
              settings.pollsPerDevicePer10Seconds);
      DeviceApi device = new DeviceApi(registrations);
      Dispatcher dispatcher =
          new Dispatcher(
              service,
              device,
              entra,
              faults,
              new RateLimiter(settings.serviceOperationsPerMinute),
              serviceRequests,
              config.clock());

      AtomicInteger threadId = new AtomicInteger();
      executor =
          new ThreadPoolExecutor(
              settings.threads,
              settings.threads,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "dps-emulator-" + threadId.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      listeners =
          new Listeners(
              sslContext,
              dispatcher,
              registrations,
              faults,
              executor,
              settings.maxRequestBytes,
              config.clock());
      InetAddress address = InetAddress.getByName(settings.bindAddress);
      boundPort = listeners.https(address, settings.port);
      if (settings.mqttPort >= 0) {
        boundMqttPort = listeners.mqtt(address, settings.mqttPort);
      }
      if (settings.amqpPort >= 0) {
        boundAmqpPort = listeners.amqp(address, settings.amqpPort);
      }
      if (entra != null) {
        entra.bind(authorityHost());
      }

      if (settings.adminPort >= 0) {
        adminServer =
            HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.adminPort), 16);
        adminServer.createContext("/admin", new AdminHandler(faults));
        adminServer.setExecutor(executor);
        adminServer.start();
      }
      LOG.atInfo()
          .addKeyValue("host", hostName())
          .addKeyValue("mqttPort", mqttPort())
          .addKeyValue("amqpPort", amqpPort())
          .addKeyValue("idScope", idScope)
          .addKeyValue("hubs", config.hubNames())
          .addKeyValue("caFile", String.valueOf(caFile))
          .log("Started DPS emulator");
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("Could not start the DPS emulator: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Stops listening and writes the state (when a data directory is set). Idempotent. */
  @Override
  public synchronized void close() {
    if (listeners != null) {
      listeners.close();
      listeners = null;
    }
    if (adminServer != null) {
      adminServer.stop(0);
      adminServer = null;
    }
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
    if (persistence != null) {
      persistence.close();
      persistence = null;
    }
  }

  // ---------------------------------------------------------------- accessors

  /** {@code localhost:<port>} (just {@code localhost} on 443), or the configured host name. */
  public String hostName() {
    int p = port();
    return p == 443 ? settings.hostName : settings.hostName + ":" + p;
  }

  /** The bound port. */
  public int port() {
    if (boundPort < 0) {
      throw new IllegalStateException("not started");
    }
    return boundPort;
  }

  /**
   * The authority host of the emulated Entra ID tenant, {@code https://<hostName>/}: the value of
   * {@code AZURE_AUTHORITY_HOST} for clients of this emulator.
   */
  public String authorityHost() {
    return "https://" + hostName() + "/";
  }

  /** The emulated Entra ID tenant, or null when none is configured. */
  public String entraTenant() {
    return settings.entraTenant;
  }

  /** How many Entra ID access tokens the emulator has issued. */
  public int entraTokensIssued() {
    return entra == null ? 0 : entra.tokensIssued();
  }

  /** The bound MQTT port, or -1 if MQTT is off. */
  public int mqttPort() {
    return boundMqttPort;
  }

  /** The bound AMQP port, or -1 if AMQP is off. */
  public int amqpPort() {
    return boundAmqpPort;
  }

  /** The port of the loopback admin listener, or -1 if it is disabled. */
  public int adminPort() {
    return adminServer == null ? -1 : adminServer.getAddress().getPort();
  }

  /** The connection string of the first policy (the default owner policy unless configured). */
  public String serviceConnectionString() {
    return serviceConnectionString(policies.get(0).name());
  }

  /** The connection string of a named policy. */
  public String serviceConnectionString(String policyName) {
    EmulatorConfig.Policy p =
        policies.stream()
            .filter(x -> x.name().equalsIgnoreCase(policyName))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No policy " + policyName));
    return "HostName="
        + hostName()
        + ";SharedAccessKeyName="
        + p.name()
        + ";SharedAccessKey="
        + p.key();
  }

  /** The global endpoint for device clients ({@code localhost:<port>}). */
  public String deviceEndpoint() {
    return hostName();
  }

  /** The ID scope. */
  public String idScope() {
    return idScope;
  }

  /**
   * The initial twin the device's IoT hub was given at its last assignment: the custom allocation
   * webhook's {@code initialTwin}, else its enrollment's (no IoT hub is emulated; this is what one
   * would have received). Empty when the device has no registration or no twin.
   */
  public java.util.Optional<JsonNode> initialTwin(String registrationId) {
    synchronized (state) {
      Registration r = state.registrations.get(EnrollmentCodec.key(registrationId));
      return java.util.Optional.ofNullable(r == null ? null : r.initialTwin())
          .map(JsonNode::deepCopy);
    }
  }

  /** PEM of the CA that signed the server certificate (the certificate clients must trust). */
  public String caCertificatePem() {
    if (caPem == null) {
      throw new IllegalStateException("not started");
    }
    return caPem;
  }

  /** The file holding {@link #caCertificatePem()}. */
  public Path caCertificateFile() {
    if (caFile == null) {
      throw new IllegalStateException("not started");
    }
    return caFile;
  }

  /** Runtime fault control. */
  public Faults faults() {
    return faults;
  }

  /** How many service API requests this emulator has answered, by kind. */
  public ServiceRequestCounts serviceRequests() {
    return serviceRequests;
  }

  /** The linked IoT hub host names. */
  public List<String> linkedHubs() {
    return settings.hubs.isEmpty()
        ? List.of(DEFAULT_HUB)
        : settings.hubs.stream().map(EmulatorConfig.LinkedHub::hostName).toList();
  }

  /** An SSLContext (TLS) that trusts the emulator's CA, for test clients. */
  public SSLContext clientSslContext() {
    return trustingContext(CertificateAuthority.readCertificates(caCertificatePem()));
  }

  /** An SSLContext that trusts the given CA certificates. */
  public static SSLContext trustingContext(List<X509Certificate> cas) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        trust.setCertificateEntry("ca" + i++, ca);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- internals

  private EntraIssuer newEntraIssuer(EmulatorConfig config) {
    if (settings.entraTenant == null) {
      if (!settings.federatedCredentials.isEmpty() || !settings.entraRoles.isEmpty()) {
        throw new IllegalArgumentException(
            "Federated credentials and Entra ID roles need a tenant (entraTenant)");
      }
      return null;
    }
    Map<String, Set<EntraRole>> roles = new LinkedHashMap<>();
    settings.entraRoles.forEach((k, v) -> roles.put(k, Set.copyOf(v)));
    Map<String, List<java.security.PublicKey>> keys = new LinkedHashMap<>();
    settings.issuerKeys.forEach((k, v) -> keys.put(k, List.copyOf(v)));
    return new EntraIssuer(
        new EntraIssuer.Settings(
            settings.entraTenant,
            List.copyOf(settings.federatedCredentials),
            Map.copyOf(keys),
            Map.copyOf(roles),
            settings.entraTokenLifetime),
        config.clock());
  }

  private EmulatorConfig config() {
    List<EmulatorConfig.LinkedHub> hubs =
        settings.hubs.isEmpty()
            ? List.of(new EmulatorConfig.LinkedHub(DEFAULT_HUB, 1))
            : List.copyOf(settings.hubs);
    Map<String, EmulatorConfig.Policy> pols = new LinkedHashMap<>();
    policies.forEach(p -> pols.put(p.name().toLowerCase(Locale.ROOT), p));
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(settings.hostName.toLowerCase(Locale.ROOT));
    hosts.add("localhost");
    hosts.add("127.0.0.1");
    hosts.add("[::1]");
    hosts.add(settings.bindAddress.toLowerCase(Locale.ROOT));
    return new EmulatorConfig(
        idScope,
        hubs,
        Map.copyOf(pols),
        Map.copyOf(settings.verifiedCas),
        settings.clock,
        settings.hostName,
        Set.copyOf(hosts));
  }

  private List<String> dnsNames() {
    Set<String> names = new LinkedHashSet<>();
    names.add("localhost");
    if (!CertificateAuthority.isIpLiteral(settings.hostName)) {
      names.add(settings.hostName);
    }
    return List.copyOf(names);
  }

  private List<String> ipAddresses() {
    Set<String> ips = new LinkedHashSet<>();
    ips.add("127.0.0.1");
    ips.add("::1");
    if (CertificateAuthority.isIpLiteral(settings.hostName)) {
      ips.add(settings.hostName);
    }
    String bind = settings.bindAddress;
    if (CertificateAuthority.isIpLiteral(bind) && !bind.equals("0.0.0.0") && !bind.equals("::")) {
      ips.add(bind);
    }
    return List.copyOf(ips);
  }

  private static CertificateAuthority loadOrCreateCa(Path dir) throws IOException {
    Path cert = dir.resolve("ca.pem");
    Path key = dir.resolve("ca-key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      try {
        return CertificateAuthority.load(Files.readString(cert), Files.readString(key));
      } catch (RuntimeException e) {
        LOG.warn("Could not reuse the CA in {}, generating a new one: {}", dir, e.getMessage());
      }
    }
    CertificateAuthority ca = CertificateAuthority.createRoot("DPS Emulator Root CA");
    Files.writeString(cert, ca.certificatePem());
    writePrivate(key, ca.privateKeyPem());
    return ca;
  }

  private static void writePrivate(Path file, String pem) throws IOException {
    Files.writeString(file, pem);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }

  /**
   * The server's TLS context on {@link TlsProvider}: the key is turned into a Bouncy Castle key
   * (named curve, so its signing table is computed once) and kept in a Bouncy Castle key store.
   */
  private static SSLContext sslContext(List<X509Certificate> chain, PrivateKey key) {
    try {
      char[] password = "emulator".toCharArray();
      PrivateKey bcKey =
          java.security.KeyFactory.getInstance(key.getAlgorithm(), TlsProvider.BC)
              .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
      KeyStore keyStore = KeyStore.getInstance("PKCS12", TlsProvider.BC);
      keyStore.load(null, null);
      keyStore.setKeyEntry("server", bcKey, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", TlsProvider.JSSE);
      kmf.init(keyStore, password);
      SSLContext ctx = SSLContext.getInstance("TLS", TlsProvider.JSSE);
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {new AnyClientTrustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not build the TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Accepts any client chain at the TLS layer: the device API checks the presented chain itself
   * against the enrollments, as DPS does.
   */
  private static final class AnyClientTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static String randomKey(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static ObjectNode readInstanceFile(Path dataDirectory) {
    if (dataDirectory == null) {
      return null;
    }
    Path file = dataDirectory.resolve("instance.json");
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(file.toFile());
      return node instanceof ObjectNode o ? o : null;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
  }

  /** Remembers the generated ID scope and default key, so restarts keep the connection string. */
  private void writeInstanceFile(Path dataDirectory, String generatedPolicyKey) {
    try {
      Files.createDirectories(dataDirectory);
      ObjectNode o = Json.object();
      o.put("idScope", idScope);
      if (generatedPolicyKey != null) {
        o.put("defaultPolicyKey", generatedPolicyKey);
      }
      Path file = dataDirectory.resolve("instance.json");
      Path tmp = dataDirectory.resolve("instance.json.tmp");
      Files.write(tmp, Json.MAPPER.writeValueAsString(o).getBytes(StandardCharsets.UTF_8));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the instance file", e);
    }
  }

  // ---------------------------------------------------------------- builder

  /** Settings of an emulator; every setter has a default. */
  public static final class Builder {
    private int port = 0;
    private String bindAddress = "127.0.0.1";
    private String hostName = "localhost";
    private String idScope;
    private final List<EmulatorConfig.LinkedHub> hubs = new ArrayList<>();
    private final List<EmulatorConfig.Policy> policies = new ArrayList<>();
    private final Map<String, X509Certificate> verifiedCas = new LinkedHashMap<>();
    private String tlsCertPem;
    private String tlsKeyPem;
    private Path certificateDirectory;
    private Path dataDirectory;
    private int serviceOperationsPerMinute;
    private int registrationsPerMinute;
    private int adminPort = -1;
    private int mqttPort = 0;
    private int amqpPort = 0;
    private Duration assignmentDelay = Duration.ZERO;
    private Duration registrationRetryAfter = Duration.ofSeconds(1);
    private int pollsPerDevicePer10Seconds;
    private Duration webhookTimeout = Duration.ofSeconds(10);
    private int maxRequestBytes = 1024 * 1024;
    private int threads = 16;
    private Clock clock = Clock.systemUTC();
    private Faults.Settings initialFaults;
    private String entraTenant;
    private final List<EntraIssuer.FederatedCredential> federatedCredentials = new ArrayList<>();
    private final Map<String, List<java.security.PublicKey>> issuerKeys = new LinkedHashMap<>();
    private final Map<String, Set<EntraRole>> entraRoles = new LinkedHashMap<>();
    private Duration entraTokenLifetime = Duration.ofHours(1);

    private Builder() {}

    /**
     * Plays the Microsoft Entra ID tenant {@code tenant} (a GUID or domain name): a token endpoint
     * at {@code /<tenant>/oauth2/v2.0/token}, its OpenID configuration and keys, and {@code
     * Authorization: Bearer} on the service API. Default: none (SAS only).
     */
    public Builder entraTenant(String tenant) {
      if (tenant == null || !tenant.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,99}")) {
        throw new IllegalArgumentException("Invalid Entra ID tenant: " + tenant);
      }
      this.entraTenant = tenant;
      return this;
    }

    /**
     * A federated identity credential of the app {@code clientId}: it accepts assertions whose
     * {@code iss}, {@code sub} and {@code aud} are these (e.g. a cluster's OIDC issuer URL, {@code
     * system:serviceaccount:<namespace>:<name>}, {@code api://AzureADTokenExchange}), signed by a
     * key given with {@link #federatedIssuerKey}.
     */
    public Builder federatedCredential(
        String clientId, String issuer, String subject, String audience) {
      federatedCredentials.add(
          new EntraIssuer.FederatedCredential(
              requireText(clientId, "clientId"),
              requireText(issuer, "issuer"),
              requireText(subject, "subject"),
              requireText(audience, "audience")));
      return this;
    }

    /** A public key (RSA) of an external token issuer, as its JWKS would publish it. */
    public Builder federatedIssuerKey(String issuer, java.security.PublicKey key) {
      issuerKeys
          .computeIfAbsent(requireText(issuer, "issuer"), k -> new ArrayList<>())
          .add(Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * A public key of an external token issuer as PEM: a {@code PUBLIC KEY} or a {@code
     * CERTIFICATE}.
     */
    public Builder federatedIssuerKeyPem(String issuer, String pem) {
      return federatedIssuerKey(issuer, CertificateAuthority.readPublicKey(pem));
    }

    /** Assigns a DPS data-plane role to the app {@code clientId} (its tokens carry it). */
    public Builder entraRole(String clientId, EntraRole role) {
      entraRoles
          .computeIfAbsent(
              requireText(clientId, "clientId").toLowerCase(Locale.ROOT),
              k -> EnumSet.noneOf(EntraRole.class))
          .add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /** The lifetime of issued access tokens; default 1 hour. */
    public Builder entraTokenLifetime(Duration lifetime) {
      if (lifetime == null || lifetime.toSeconds() < 1) {
        throw new IllegalArgumentException("Token lifetime must be at least 1s: " + lifetime);
      }
      this.entraTokenLifetime = lifetime;
      return this;
    }

    private static String requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value.trim();
    }

    /** The HTTPS port; 0 (default) picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The MQTT (3.1.1 over TLS) port of the device API; 0 (default) picks a free port, -1 turns
     * MQTT off. The official device SDKs always connect to 8883.
     */
    public Builder mqttPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("MQTT port out of range: " + port);
      }
      this.mqttPort = port;
      return this;
    }

    /**
     * The AMQP (1.0 over TLS) port of the device API; 0 (default) picks a free port, -1 turns AMQP
     * off. The official device SDKs always connect to 5671.
     */
    public Builder amqpPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("AMQP port out of range: " + port);
      }
      this.amqpPort = port;
      return this;
    }

    /** The address to listen on; default 127.0.0.1. */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress);
      return this;
    }

    /**
     * The host name clients use (connection string, device endpoint, server certificate SAN);
     * default {@code localhost}.
     */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName);
      return this;
    }

    /** The ID scope; default {@code 0ne} followed by 8 random upper-case hex digits. */
    public Builder idScope(String idScope) {
      if (idScope == null || !idScope.matches("[A-Za-z0-9]{1,64}")) {
        throw new IllegalArgumentException("Invalid ID scope: " + idScope);
      }
      this.idScope = idScope;
      return this;
    }

    /** Links an IoT hub with an allocation weight (1..1000); default one emulated hub. */
    public Builder linkedHub(String hostName, int weight) {
      if (weight < 1 || weight > 1000) {
        throw new IllegalArgumentException("hub weight must be 1..1000: " + weight);
      }
      hubs.removeIf(h -> h.hostName().equalsIgnoreCase(hostName));
      hubs.add(new EmulatorConfig.LinkedHub(Objects.requireNonNull(hostName), weight));
      return this;
    }

    /**
     * Adds a shared access policy; the first one gives {@link #serviceConnectionString()}. Default:
     * {@code provisioningserviceowner} with all rights and a generated key.
     */
    public Builder policy(String name, String base64Key, Set<EmulatorRight> rights) {
      Objects.requireNonNull(name);
      byte[] raw = Base64.getDecoder().decode(Objects.requireNonNull(base64Key));
      if (raw.length == 0) {
        throw new IllegalArgumentException("empty policy key");
      }
      policies.removeIf(p -> p.name().equalsIgnoreCase(name));
      policies.add(new EmulatorConfig.Policy(name, base64Key, Set.copyOf(rights)));
      return this;
    }

    /** A CA certificate "verified on the DPS instance", referenced by groups' caReferences. */
    public Builder verifiedCa(String name, String pem) {
      List<X509Certificate> certs = CertificateAuthority.readCertificates(pem);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("No certificate in PEM for CA " + name);
      }
      verifiedCas.put(name, certs.get(0));
      return this;
    }

    /**
     * The server certificate (optionally followed by its chain; the last one is reported as the CA)
     * and private key as PEM. Default: a generated CA and server certificate.
     */
    public Builder tls(String certificatePem, String privateKeyPem) {
      this.tlsCertPem = Objects.requireNonNull(certificatePem);
      this.tlsKeyPem = Objects.requireNonNull(privateKeyPem);
      return this;
    }

    /**
     * Where the CA and server PEM files are written (a CA found there is reused); default {@code
     * <dataDirectory>/certs} or a temporary directory.
     */
    public Builder certificateDirectory(Path directory) {
      this.certificateDirectory = directory;
      return this;
    }

    /** Persists state (and the generated ID scope and key) in this directory; default none. */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = directory;
      return this;
    }

    /** Service API operations per minute before 429; 0 (default) = unlimited. */
    public Builder serviceOperationsPerMinute(int perMinute) {
      this.serviceOperationsPerMinute = Math.max(0, perMinute);
      return this;
    }

    /** Device registrations per minute before 429; 0 (default) = unlimited. */
    public Builder registrationsPerMinute(int perMinute) {
      this.registrationsPerMinute = Math.max(0, perMinute);
      return this;
    }

    /** Port of the loopback-only admin listener; -1 (default) = none, 0 = a free port. */
    public Builder adminPort(int adminPort) {
      this.adminPort = adminPort;
      return this;
    }

    /** How long a registration stays "assigning" for operation polls; default zero. */
    public Builder assignmentDelay(Duration delay) {
      this.assignmentDelay = Objects.requireNonNull(delay);
      return this;
    }

    /**
     * The {@code Retry-After} of register answers and of "assigning" operation polls, in whole
     * seconds; default 1 s (a real DPS sends about 3 s; the device SDKs wait at least 2 s anyway).
     */
    public Builder registrationRetryAfter(Duration retryAfter) {
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("negative Retry-After: " + retryAfter);
      }
      this.registrationRetryAfter = retryAfter;
      return this;
    }

    /**
     * Operation-status polls allowed per device in any 10 s before 429 with {@code Retry-After}; 0
     * (default) = unlimited. DPS documents 5.
     */
    public Builder pollsPerDevicePer10Seconds(int polls) {
      this.pollsPerDevicePer10Seconds = Math.max(0, polls);
      return this;
    }

    /** Timeout of custom allocation webhook calls; default 10 s. */
    public Builder webhookTimeout(Duration timeout) {
      this.webhookTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** The largest accepted request body; default 1 MiB. */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /** Request threads; default 16. */
    public Builder threads(int threads) {
      this.threads = Math.max(1, threads);
      return this;
    }

    /** The clock for timestamps and token expiry; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Faults in force from the start. */
    public Builder faults(Faults.Settings initial) {
      this.initialFaults = initial;
      return this;
    }

    /** Builds the (not yet started) emulator. */
    public DpsEmulator build() {
      return new DpsEmulator(this);
    }
  }
}
