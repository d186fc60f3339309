package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.ClusterDpsConnectionSpec;
import io.dpsoperator.api.v1alpha1.ConnectionKind;
import io.dpsoperator.api.v1alpha1.ConnectionRef;
import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.DpsConnectionAuth;
import io.dpsoperator.api.v1alpha1.DpsConnectionSpec;
import io.dpsoperator.api.v1alpha1.DpsConnectionStatus;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.WorkloadIdentityAuth;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.EmulatorRight;
import io.dpsoperator.operator.connections.ConnectionCredentials;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DpsConnection and ClusterDpsConnection end to end: a real operator on the mock Kubernetes API,
 * the DPS emulator over HTTPS. Each test works in namespaces of its own.
 */
class ConnectionsTest {
  /** A policy of the emulator that lacks EnrollmentRead: its query is refused with 403. */
  private static final String NO_READ_POLICY = "registrationsonly";

  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env =
        OperatorTestEnvironment.start(
            Map.of(
                // Checks come from changes, never from the interval, during a test.
                "DPS_OPERATOR_CONNECTION_CHECK_INTERVAL", "1h",
                // The operator-wide limit must not be what limits a connection.
                "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "3",
                // The webhook's variable names a token file the kubelet has not written.
                "AZURE_FEDERATED_TOKEN_FILE",
                    java.nio.file.Path.of(
                            System.getProperty("java.io.tmpdir"),
                            "no-token-" + java.util.UUID.randomUUID(),
                            "azure-identity-token")
                        .toString()),
            b ->
                b.policy(
                        DpsEmulator.DEFAULT_POLICY,
                        Fixtures.randomKey(),
                        EnumSet.allOf(EmulatorRight.class))
                    .policy(
                        NO_READ_POLICY,
                        Fixtures.randomKey(),
                        EnumSet.of(EmulatorRight.REGISTRATION_STATUS_READ)));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aNamespacedSasConnectionSyncsItsResourcesAndTellsDevicesItsScope() {
    String ns = env.newNamespace();
    env.secret(ns, "dps", Map.of("connectionString", owner(env.emulator)));
    DpsConnection connection =
        env.kube
            .resource(
                connection(
                    ns,
                    "main",
                    env.emulator.hostName(),
                    sas("dps"),
                    s -> {
                      s.setIdScope("0ne00CUSTOM");
                      s.setDeviceEndpoint("devices.example.net");
                    }))
            .create();
    IndividualEnrollment enrollment =
        env.kube
            .resource(
                Fixtures.enrollment(
                    ns,
                    "conn-device",
                    Fixtures.generatedKeys().andThen(uses(ConnectionKind.DPS_CONNECTION, "main"))))
            .create();

    env.awaitReady(enrollment, "True", Reasons.SYNCED);
    assertThat(env.dps.getIndividualEnrollment("conn-device").registrationId())
        .isEqualTo("conn-device");
    Secret keys = env.kube.secrets().inNamespace(ns).withName(keysSecretName(enrollment)).get();
    assertThat(decoded(keys, "idScope")).isEqualTo("0ne00CUSTOM");
    assertThat(decoded(keys, "provisioningHost")).isEqualTo("devices.example.net");
    awaitConnection(connection, "True", Reasons.CONNECTED);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              DpsConnectionStatus status = status(connection);
              assertThat(status.getResources()).isEqualTo(1);
              assertThat(status.getAuthType()).isEqualTo(ConnectionCredentials.SHARED_ACCESS_KEY);
              assertThat(status.getObservedGeneration())
                  .isEqualTo(env.fresh(connection).getMetadata().getGeneration());
            });
    assertThat(env.fresh(enrollment).getStatus().getDpsHost()).isEqualTo(env.emulator.hostName());

    // A group on the same connection: synced, its generated keys' Secret carries the scope too.
    EnrollmentGroup group =
        create(
            Fixtures.group(
                ns,
                "conn-fleet",
                Fixtures.groupKeysFromSecret(null)
                    .andThen(
                        s -> {
                          ConnectionRef ref = new ConnectionRef();
                          ref.setKind(ConnectionKind.DPS_CONNECTION);
                          ref.setName("main");
                          s.setConnectionRef(ref);
                        })));
    env.awaitReady(group, "True", Reasons.SYNCED);
    assertThat(env.dps.getEnrollmentGroup("conn-fleet")).isNotNull();
    Secret groupKeys =
        env.kube
            .secrets()
            .inNamespace(ns)
            .withName(env.fresh(group).getStatus().getKeysSecretName())
            .get();
    assertThat(decoded(groupKeys, "idScope")).isEqualTo("0ne00CUSTOM");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(connection).getResources() == 2);
  }

  @Test
  void anOperatorWatchingSomeNamespacesRefusesClusterConnections() throws Exception {
    try (OperatorTestEnvironment scoped =
        OperatorTestEnvironment.start(Map.of("DPS_OPERATOR_WATCH_NAMESPACES", "scoped-team"))) {
      scoped
          .kube
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName("scoped-team")
                  .endMetadata()
                  .build())
          .create();
      IndividualEnrollment enrollment =
          scoped
              .kube
              .resource(
                  Fixtures.enrollment(
                      "scoped-team",
                      "scoped-device",
                      Fixtures.generatedKeys()
                          .andThen(uses(ConnectionKind.CLUSTER_DPS_CONNECTION, "any"))))
              .create();
      scoped.awaitReady(enrollment, "False", Reasons.CONNECTION_NOT_ALLOWED);
      assertThat(scoped.ready(enrollment).orElseThrow().getMessage())
          .contains("DPS_OPERATOR_WATCH_NAMESPACES");
      assertThatThrownBy(() -> scoped.dps.getIndividualEnrollment("scoped-device"))
          .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  @Test
  void aClusterConnectionServesOnlyTheNamespacesItSelects() {
    String selected = env.newNamespace();
    String other = env.newNamespace();
    label(selected, "dps-team", "a");
    env.secret(
        OperatorTestEnvironment.OPERATOR_NAMESPACE,
        "cluster-dps",
        Map.of("connectionString", owner(env.emulator)));
    ClusterDpsConnection connection = new ClusterDpsConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName("shared-" + selected).build());
    ClusterDpsConnectionSpec spec = new ClusterDpsConnectionSpec();
    spec.setHost(env.emulator.hostName());
    spec.setAuth(sas("cluster-dps"));
    spec.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("dps-team", "a").build());
    connection.setSpec(spec);
    connection = env.kube.resource(connection).create();
    String name = connection.getMetadata().getName();

    IndividualEnrollment allowed =
        env.kube
            .resource(
                Fixtures.enrollment(
                    selected,
                    "cluster-ok-" + selected,
                    Fixtures.generatedKeys()
                        .andThen(uses(ConnectionKind.CLUSTER_DPS_CONNECTION, name))))
            .create();
    IndividualEnrollment refused =
        env.kube
            .resource(
                Fixtures.enrollment(
                    other,
                    "cluster-refused-" + other,
                    Fixtures.generatedKeys()
                        .andThen(uses(ConnectionKind.CLUSTER_DPS_CONNECTION, name))))
            .create();

    env.awaitReady(allowed, "True", Reasons.SYNCED);
    env.awaitReady(refused, "False", Reasons.CONNECTION_NOT_ALLOWED);
    assertThat(env.ready(refused).orElseThrow().getMessage())
        .contains("ClusterDpsConnection " + name)
        .contains(other);
    assertThat(env.hasEvent(refused, Reasons.CONNECTION_NOT_ALLOWED)).isTrue();
    assertThatThrownBy(() -> env.dps.getIndividualEnrollment("cluster-refused-" + other))
        .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));
    awaitConnection(connection, "True", Reasons.CONNECTED);

    // Selecting the namespace later lets its resource in, with no change to the resource.
    label(other, "dps-team", "a");
    env.awaitReady(refused, "True", Reasons.SYNCED);
    assertThat(env.dps.getIndividualEnrollment("cluster-refused-" + other)).isNotNull();

    // Narrowing the selector takes the namespaces out at once; their records stay in DPS.
    ClusterDpsConnection narrowed = env.fresh(connection);
    narrowed
        .getSpec()
        .setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("dps-team", "b").build());
    env.kube.resource(narrowed).update();
    env.awaitReady(allowed, "False", Reasons.CONNECTION_NOT_ALLOWED);
    assertThat(env.dps.getIndividualEnrollment("cluster-ok-" + selected)).isNotNull();
  }

  @Test
  void aRotatedSecretIsCheckedAtOnceAndItsResourcesFollow() {
    String ns = env.newNamespace();
    env.secret(ns, "dps", Map.of("connectionString", owner(env.emulator)));
    DpsConnection connection =
        env.kube
            .resource(connection(ns, "rotating", env.emulator.hostName(), sas("dps"), s -> {}))
            .create();
    awaitConnection(connection, "True", Reasons.CONNECTED);

    String wrongKey =
        "HostName="
            + env.emulator.hostName()
            + ";SharedAccessKeyName="
            + DpsEmulator.DEFAULT_POLICY
            + ";SharedAccessKey="
            + Fixtures.randomKey();
    env.secret(ns, "dps", Map.of("connectionString", wrongKey));
    awaitConnection(connection, "False", Reasons.UNAUTHORIZED);
    assertThat(ready(connection).orElseThrow().getMessage()).doesNotContain(wrongKey.substring(60));
    IndividualEnrollment enrollment =
        env.kube
            .resource(
                Fixtures.enrollment(
                    ns,
                    "rotation-device",
                    Fixtures.generatedKeys()
                        .andThen(uses(ConnectionKind.DPS_CONNECTION, "rotating"))))
            .create();
    env.awaitReady(enrollment, "False", Reasons.CONNECTION_NOT_READY);
    assertThat(env.ready(enrollment).orElseThrow().getMessage()).contains(Reasons.UNAUTHORIZED);
    assertThatThrownBy(() -> env.dps.getIndividualEnrollment("rotation-device"))
        .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));

    env.secret(ns, "dps", Map.of("connectionString", owner(env.emulator)));
    awaitConnection(connection, "True", Reasons.CONNECTED);
    env.awaitReady(enrollment, "True", Reasons.SYNCED);
  }

  @Test
  void eachFailureOfAConnectionHasItsOwnReason() throws Exception {
    String ns = env.newNamespace();
    String host = env.emulator.hostName();
    env.secret(ns, "garbage", Map.of("connectionString", "not a connection string"));
    env.secret(
        ns,
        "no-read",
        Map.of("connectionString", env.emulator.serviceConnectionString(NO_READ_POLICY)));
    env.secret(ns, "owner", Map.of("connectionString", owner(env.emulator)));
    env.secret(
        ns,
        "closed",
        Map.of(
            "connectionString",
            owner(env.emulator).replace("HostName=" + host, "HostName=localhost:1")));

    List<DpsConnection> cases = new ArrayList<>();
    cases.add(create(connection(ns, "missing-secret", host, sas("absent"), s -> {})));
    cases.add(create(connection(ns, "bad-secret", host, sas("garbage"), s -> {})));
    cases.add(create(connection(ns, "lacks-right", host, sas("no-read"), s -> {})));
    cases.add(create(connection(ns, "unreachable", "localhost:1", sas("closed"), s -> {})));
    cases.add(create(connection(ns, "other-host", "dps.example.net", sas("owner"), s -> {})));
    DpsConnectionAuth both = sas("owner");
    both.setWorkloadIdentity(workloadIdentity());
    cases.add(create(connection(ns, "both-auths", host, both, s -> {})));
    DpsConnectionAuth wi = new DpsConnectionAuth();
    wi.setWorkloadIdentity(workloadIdentity());
    cases.add(create(connection(ns, "workload-identity", host, wi, s -> {})));

    awaitConnection(cases.get(0), "False", Reasons.SECRET_NOT_FOUND);
    awaitConnection(cases.get(1), "False", Reasons.INVALID_SECRET);
    // DPS answers a SAS policy that lacks a right as it answers a wrong key: 401.
    awaitConnection(cases.get(2), "False", Reasons.UNAUTHORIZED);
    awaitConnection(cases.get(3), "False", Reasons.UNREACHABLE);
    awaitConnection(cases.get(4), "False", Reasons.HOST_MISMATCH);
    awaitConnection(cases.get(5), "False", Reasons.INVALID_SPEC);
    awaitConnection(cases.get(6), "False", Reasons.FEDERATED_TOKEN_UNAVAILABLE);
    assertThat(ready(cases.get(5)).orElseThrow().getMessage())
        .contains("sasSecretRef")
        .contains("workloadIdentity");
    assertThat(status(cases.get(6)).getAuthType())
        .isEqualTo(ConnectionCredentials.WORKLOAD_IDENTITY);
    assertThat(env.hasEvent(cases.get(2), Reasons.UNAUTHORIZED)).isTrue();
    assertThat(ready(cases.get(2)).orElseThrow().getMessage()).contains("EnrollmentRead");

    // A resource on a connection that is not ready, or that does not exist, sends nothing to DPS.
    IndividualEnrollment onWi =
        create(
            Fixtures.enrollment(
                ns,
                "wi-device",
                Fixtures.generatedKeys()
                    .andThen(uses(ConnectionKind.DPS_CONNECTION, "workload-identity"))));
    IndividualEnrollment onMissing =
        create(
            Fixtures.enrollment(
                ns,
                "missing-conn-device",
                Fixtures.generatedKeys().andThen(uses(ConnectionKind.DPS_CONNECTION, "later"))));
    IndividualEnrollment withBothRefs =
        create(
            Fixtures.enrollment(
                ns,
                "both-refs-device",
                Fixtures.generatedKeys()
                    .andThen(uses(ConnectionKind.DPS_CONNECTION, "later"))
                    .andThen(s -> s.setConnectionSecretRef(secretRef("owner")))));
    env.awaitReady(onWi, "False", Reasons.CONNECTION_NOT_READY);
    assertThat(env.ready(onWi).orElseThrow().getMessage())
        .contains(Reasons.FEDERATED_TOKEN_UNAVAILABLE);
    env.awaitReady(onMissing, "False", Reasons.CONNECTION_NOT_FOUND);
    env.awaitReady(withBothRefs, "False", Reasons.INVALID_SPEC);
    assertThat(env.ready(withBothRefs).orElseThrow().getMessage())
        .contains("connectionRef")
        .contains("connectionSecretRef");
    for (String id : List.of("wi-device", "missing-conn-device", "both-refs-device")) {
      assertThatThrownBy(() -> env.dps.getIndividualEnrollment(id))
          .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    // The connection that was missing is created: its resource follows with no change of its own.
    create(connection(ns, "later", host, sas("owner"), s -> {}));
    env.awaitReady(onMissing, "True", Reasons.SYNCED);
  }

  @Test
  void aPrivateCaIsTrustedThroughTheConnectionsCaBundle() throws Exception {
    // An emulator with a CA of its own, which the operator-wide trust does not include.
    try (DpsEmulator privateDps = DpsEmulator.builder().port(0).build().start()) {
      assertThat(privateDps.caCertificatePem()).isNotEqualTo(env.emulator.caCertificatePem());
      String ns = env.newNamespace();
      env.secret(ns, "dps", Map.of("connectionString", owner(privateDps)));
      DpsConnection connection =
          create(connection(ns, "private", privateDps.hostName(), sas("dps"), s -> {}));
      awaitConnection(connection, "False", Reasons.UNREACHABLE);

      DpsConnection trusted = env.fresh(connection);
      trusted.getSpec().setCaBundle(privateDps.caCertificatePem());
      env.kube.resource(trusted).update();
      awaitConnection(connection, "True", Reasons.CONNECTED);
    }
  }

  @Test
  void twoConnectionsToTwoDpsInstancesEachKeepTheirOwnRateLimit() throws Exception {
    int slowPerMinute = 10;
    // Both share the environment's CA, so only the rate limits differ.
    try (DpsEmulator slow = sharingCa().start();
        DpsEmulator fast = sharingCa().start()) {
      String ns = env.newNamespace();
      env.secret(ns, "slow", Map.of("connectionString", owner(slow)));
      env.secret(ns, "fast", Map.of("connectionString", owner(fast)));
      Instant start = Instant.now();
      create(
          connection(
              ns,
              "slow",
              slow.hostName(),
              sas("slow"),
              s -> s.setRateLimitPerMinute(slowPerMinute)));
      create(
          connection(
              ns, "fast", fast.hostName(), sas("fast"), s -> s.setRateLimitPerMinute(100_000)));
      List<IndividualEnrollment> onSlow = new ArrayList<>();
      List<IndividualEnrollment> onFast = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        onSlow.add(
            create(
                Fixtures.enrollment(
                    ns,
                    "slow-" + i,
                    Fixtures.generatedKeys()
                        .andThen(uses(ConnectionKind.DPS_CONNECTION, "slow")))));
        onFast.add(
            create(
                Fixtures.enrollment(
                    ns,
                    "fast-" + i,
                    Fixtures.generatedKeys()
                        .andThen(uses(ConnectionKind.DPS_CONNECTION, "fast")))));
      }
      // The fast DPS is not held back by the slow one's limit (nor by the operator-wide 3/min).
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(onFast)
                      .allSatisfy(
                          r ->
                              assertThat(env.ready(r))
                                  .hasValueSatisfying(
                                      c -> assertThat(c.getStatus()).isEqualTo("True"))));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> fast.serviceRequests().operations() > 3L * slowPerMinute);
      // The slow DPS never got more than its limit allows: a minute's worth at once, then its rate.
      double minutes = Duration.between(start, Instant.now()).toMillis() / 60_000.0;
      assertThat(slow.serviceRequests().operations())
          .isLessThanOrEqualTo((long) Math.ceil(slowPerMinute + slowPerMinute * minutes) + 1);
      assertThat(fast.serviceRequests().operations())
          .isGreaterThan((long) Math.ceil(slowPerMinute + slowPerMinute * minutes) + 1);
      // What the slow DPS got was useful work: its resources are created as its quota allows.
      assertThat(slow.serviceRequests().operations()).isPositive();
    }
  }

  @Test
  void aConnectionInUseIsKeptUntilItsLastResourceIsGone() {
    String ns = env.newNamespace();
    env.secret(ns, "dps", Map.of("connectionString", owner(env.emulator)));
    DpsConnection connection =
        create(connection(ns, "kept", env.emulator.hostName(), sas("dps"), s -> {}));
    IndividualEnrollment enrollment =
        create(
            Fixtures.enrollment(
                ns,
                "kept-device",
                Fixtures.generatedKeys().andThen(uses(ConnectionKind.DPS_CONNECTION, "kept"))));
    env.awaitReady(enrollment, "True", Reasons.SYNCED);

    env.kube.resource(connection).delete();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> env.hasEvent(connection, Reasons.IN_USE));
    DpsConnection held = env.fresh(connection);
    assertThat(held).isNotNull();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(env.events(connection).stream().filter(e -> Reasons.IN_USE.equals(e.getReason())))
        .anySatisfy(e -> assertThat(e.getMessage()).contains(ns + "/kept-device"));

    // After an operator restart (only the connection's cleanup runs for it now), the resource's
    // own deletion still reaches DPS through the connection; then the connection goes.
    env.restartOperator();
    env.kube.resource(enrollment).delete();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(env.fresh(enrollment)).isNull();
              assertThat(env.fresh(connection)).isNull();
            });
    assertThatThrownBy(() -> env.dps.getIndividualEnrollment("kept-device"))
        .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  // ------------------------------------------------------------------ helpers

  private static DpsEmulator sharingCa() {
    return DpsEmulator.builder()
        .port(0)
        .certificateDirectory(env.emulator.caCertificateFile().getParent())
        .build();
  }

  private static <T extends HasMetadata> T create(T resource) {
    return env.kube.resource(resource).create();
  }

  private static String owner(DpsEmulator emulator) {
    return emulator.serviceConnectionString(DpsEmulator.DEFAULT_POLICY);
  }

  private static DpsConnection connection(
      String ns,
      String name,
      String host,
      DpsConnectionAuth auth,
      Consumer<DpsConnectionSpec> more) {
    DpsConnection c = new DpsConnection();
    c.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    DpsConnectionSpec spec = new DpsConnectionSpec();
    spec.setHost(host);
    spec.setAuth(auth);
    more.accept(spec);
    c.setSpec(spec);
    return c;
  }

  private static DpsConnectionAuth sas(String secret) {
    DpsConnectionAuth auth = new DpsConnectionAuth();
    auth.setSasSecretRef(secretRef(secret));
    return auth;
  }

  private static ConnectionSecretRef secretRef(String secret) {
    ConnectionSecretRef ref = new ConnectionSecretRef();
    ref.setName(secret);
    return ref;
  }

  private static WorkloadIdentityAuth workloadIdentity() {
    WorkloadIdentityAuth wi = new WorkloadIdentityAuth();
    wi.setClientId("00000000-0000-0000-0000-000000000001");
    wi.setTenantId("00000000-0000-0000-0000-000000000002");
    return wi;
  }

  private static Consumer<IndividualEnrollmentSpec> uses(ConnectionKind kind, String name) {
    return s -> {
      ConnectionRef ref = new ConnectionRef();
      ref.setKind(kind);
      ref.setName(name);
      s.setConnectionRef(ref);
    };
  }

  private static void label(String namespace, String key, String value) {
    env.kube
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              Map<String, String> labels =
                  n.getMetadata().getLabels() == null
                      ? new java.util.HashMap<>()
                      : new java.util.HashMap<>(n.getMetadata().getLabels());
              labels.put(key, value);
              n.getMetadata().setLabels(labels);
              return n;
            });
  }

  private static String keysSecretName(IndividualEnrollment enrollment) {
    return env.fresh(enrollment).getStatus().getKeysSecretName();
  }

  private static String decoded(Secret secret, String key) {
    return new String(
        java.util.Base64.getDecoder().decode(secret.getData().get(key)),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static DpsConnectionStatus status(HasMetadata connection) {
    HasMetadata now = env.fresh(connection);
    return now == null ? null : (DpsConnectionStatus) ((CustomResource<?, ?>) now).getStatus();
  }

  private static Optional<Condition> ready(HasMetadata connection) {
    return Conditions.ready(status(connection));
  }

  private static void awaitConnection(HasMetadata connection, String status, String reason) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ready(connection))
                    .as("Ready of %s", connection.getMetadata().getName())
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo(status);
                          assertThat(c.getReason()).isEqualTo(reason);
                        }));
  }
}
