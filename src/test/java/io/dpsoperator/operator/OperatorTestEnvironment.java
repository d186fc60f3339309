package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsClients;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/**
 * A real operator in the test: fabric8's mock Kubernetes API in CRUD mode with our CRDs, the DPS
 * emulator over HTTPS, and {@link DpsOperator} wired as {@code run} wires it. The operator-wide
 * connection string lives in a Secret, as in production.
 */
public final class OperatorTestEnvironment implements AutoCloseable {
  // The mock server logs every request at INFO through java.util.logging.
  private static final java.util.logging.Logger QUIET_MOCK_SERVER = quiet();

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  public static final String OPERATOR_NAMESPACE = "dps-operator";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  public final KubernetesMockServer server;
  public final KubernetesClient kube;
  public final DpsEmulator emulator;
  public DpsOperator operator;
  private final OperatorConfig config;
  private final Map<String, String> env;
  private final DpsOperator.Wiring wiring;
  private final List<AutoCloseable> others = new java.util.ArrayList<>();
  public final DpsClient dps;
  public final PrometheusMeterRegistry meters;

  private OperatorTestEnvironment(
      Map<String, String> settings, java.util.function.Consumer<DpsEmulator.Builder> emulatorSetup)
      throws Exception {
    this(settings, emulatorSetup, e -> Map.of());
  }

  private OperatorTestEnvironment(
      Map<String, String> settings,
      java.util.function.Consumer<DpsEmulator.Builder> emulatorSetup,
      java.util.function.Function<DpsEmulator, Map<String, String>> emulatorEnv)
      throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            IndexedCrudDispatcher.mixed(expectations),
            false);
    server.init();
    // CRUD mode answers everything but SelfSubjectRulesReview, which JOSDK's leader election
    // sends before it takes a Lease: answer it as an API server would for the operator's Role.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    kube = server.createClient();
    MockKubernetes.installCrds(kube);
    DpsEmulator.Builder emulatorBuilder =
        DpsEmulator.builder().port(0).linkedHub("hub-a.azure-devices.net", 1);
    emulatorSetup.accept(emulatorBuilder);
    emulator = emulatorBuilder.build();
    emulator.start();
    kube.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    kube.secrets()
        .inNamespace(OPERATOR_NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("dps-connection")
                .endMetadata()
                .addToStringData(
                    "connectionString",
                    emulator.serviceConnectionString(DpsEmulator.DEFAULT_POLICY))
                .build())
        .create();
    env = new HashMap<>();
    env.put("DPS_OPERATOR_NAMESPACE", OPERATOR_NAMESPACE);
    env.put("DPS_OPERATOR_RESYNC_INTERVAL", "2s");
    env.put("DPS_OPERATOR_GROUP_STATUS_INTERVAL", "1s");
    env.put("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "2s");
    env.put("DPS_OPERATOR_REQUEST_TIMEOUT", "5s");
    env.put("DPS_OPERATOR_ID_SCOPE", emulator.idScope());
    env.put("DPS_OPERATOR_DEVICE_ENDPOINT", emulator.deviceEndpoint());
    env.putAll(settings);
    env.putAll(emulatorEnv.apply(emulator));
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    config = OperatorConfig.fromEnv(env);
    wiring =
        new DpsOperator.Wiring(
            kube,
            meters,
            Optional.empty(),
            Optional.of(emulator.caCertificatePem()),
            false,
            settings.containsKey("DPS_OPERATOR_HTTP_PORT"),
            Clock.systemUTC());
    operator = DpsOperator.start(config, wiring);
    dps =
        DpsClients.create(
            DpsClientConfig.builder(emulator.serviceConnectionString())
                .caBundlePem(emulator.caCertificatePem())
                .maxRetries(0)
                .build(),
            new SimpleMeterRegistry());
  }

  public static OperatorTestEnvironment start() throws Exception {
    return new OperatorTestEnvironment(Map.of(), b -> {});
  }

  public static OperatorTestEnvironment start(Map<String, String> settings) throws Exception {
    return new OperatorTestEnvironment(settings, b -> {});
  }

  /** With CA certificates verified on the emulated DPS instance, by name. */
  public static OperatorTestEnvironment start(
      Map<String, String> settings, Map<String, String> verifiedCas) throws Exception {
    return new OperatorTestEnvironment(settings, b -> verifiedCas.forEach(b::verifiedCa));
  }

  /** With the emulator set up by the test (policies, hubs, CAs). */
  public static OperatorTestEnvironment start(
      Map<String, String> settings, java.util.function.Consumer<DpsEmulator.Builder> emulatorSetup)
      throws Exception {
    return new OperatorTestEnvironment(settings, emulatorSetup);
  }

  /**
   * With the emulator set up by the test, and environment that depends on the started emulator
   * (e.g. the {@code AZURE_AUTHORITY_HOST} of its Entra ID token issuer).
   */
  public static OperatorTestEnvironment start(
      Map<String, String> settings,
      java.util.function.Consumer<DpsEmulator.Builder> emulatorSetup,
      java.util.function.Function<DpsEmulator, Map<String, String>> emulatorEnv)
      throws Exception {
    return new OperatorTestEnvironment(settings, emulatorSetup, emulatorEnv);
  }

  /**
   * Stops the operator as a crash would leave things (whatever it had in flight is lost) and starts
   * a new one on the same Kubernetes API and DPS.
   */
  public void restartOperator() {
    operator.close();
    operator = DpsOperator.start(config, wiring);
  }

  /**
   * Another operator instance on the same Kubernetes API and DPS, with settings over this one's,
   * its own Kubernetes client (sending {@code userAgent}, so that the mock server's recorded
   * requests tell the instances apart) and its own meters. Closed with the environment.
   */
  public DpsOperator startAnother(
      Map<String, String> overrides, String userAgent, MeterRegistry meters) {
    KubernetesClient client =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(kube.getConfiguration())
                    .withUserAgent(userAgent)
                    .build())
            .build();
    DpsOperator other =
        DpsOperator.start(
            OperatorConfig.fromEnv(env, overrides),
            new DpsOperator.Wiring(
                client,
                meters,
                Optional.empty(),
                Optional.of(emulator.caCertificatePem()),
                false,
                false,
                Clock.systemUTC()));
    others.add(client);
    others.add(other);
    return other;
  }

  /** A fresh namespace, so that tests do not see each other's resources. */
  public String newNamespace() {
    String name = "test-" + NAMESPACES.incrementAndGet();
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  public Secret secret(String namespace, String name, Map<String, String> stringData) {
    return kube.secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData(stringData)
                .build())
        .createOr(r -> r.update());
  }

  /** A Secret of two fresh random symmetric keys under the default key names. */
  public Secret randomKeysSecret(String namespace, String name) {
    return secret(
        namespace,
        name,
        Map.of("primaryKey", Fixtures.randomKey(), "secondaryKey", Fixtures.randomKey()));
  }

  public Secret tlsSecret(String namespace, String name, String certPem) {
    return kube.secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", certPem)
                .addToStringData("tls.key", "not-a-real-key")
                .build())
        .createOr(r -> r.update());
  }

  /** Events recorded on a resource, by reason. */
  public List<Event> events(HasMetadata on) {
    return kube
        .v1()
        .events()
        .inNamespace(on.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> on.getMetadata().getName().equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** The resource as the API server holds it now, or null once it is gone. */
  public <T extends HasMetadata> T fresh(T resource) {
    return kube.resource(resource).get();
  }

  /** The Ready condition of a resource as the API server holds it now. */
  public Optional<Condition> ready(HasMetadata resource) {
    HasMetadata now = fresh(resource);
    if (!(now instanceof io.fabric8.kubernetes.client.CustomResource<?, ?> cr)
        || !(cr.getStatus() instanceof DpsRecordStatus status)) {
      return Optional.empty();
    }
    return Conditions.ready(status);
  }

  /** Waits until the resource's Ready condition has this status and reason. */
  public void awaitReady(HasMetadata resource, String status, String reason) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                Assertions.assertThat(ready(resource))
                    .hasValueSatisfying(
                        c -> {
                          Assertions.assertThat(c.getStatus()).isEqualTo(status);
                          Assertions.assertThat(c.getReason()).isEqualTo(reason);
                        }));
  }

  public boolean hasEvent(HasMetadata on, String reason) {
    return events(on).stream().anyMatch(e -> reason.equals(e.getReason()));
  }

  @Override
  public void close() {
    for (int i = others.size() - 1; i >= 0; i--) {
      try {
        others.get(i).close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
    operator.close();
    dps.close();
    emulator.close();
    kube.close();
    server.destroy();
  }
}
