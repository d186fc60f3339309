package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.ClusterDpsConnectionSpec;
import io.dpsoperator.api.v1alpha1.ConnectionKind;
import io.dpsoperator.api.v1alpha1.ConnectionRef;
import io.dpsoperator.api.v1alpha1.DpsConnectionAuth;
import io.dpsoperator.api.v1alpha1.DpsConnectionStatus;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.WorkloadIdentityAuth;
import io.dpsoperator.demo.DemoWorkloadIdentity;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.emulator.EntraRole;
import io.dpsoperator.operator.connections.ConnectionCredentials;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ClusterDpsConnections with Entra ID workload identity end to end: a real operator on the mock
 * Kubernetes API whose environment is what the Azure workload identity webhook injects, the DPS
 * emulator over HTTPS as DPS and as the Entra ID tenant that trusts the cluster's token issuer.
 */
class WorkloadIdentityConnectionsTest {
  /** An app with the Data Reader role: it may read, not write. */
  private static final String READER_CLIENT = "00000000-0000-4000-8000-0000000000a2";

  /** An app whose federated credential names another ServiceAccount: the exchange is refused. */
  private static final String OTHER_SUBJECT_CLIENT = "00000000-0000-4000-8000-0000000000a3";

  private static Path tokenDir;
  private static DemoWorkloadIdentity identity;
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    tokenDir = Files.createTempDirectory("wi-token");
    identity =
        new DemoWorkloadIdentity(
            OperatorTestEnvironment.OPERATOR_NAMESPACE, "dps-operator", tokenDir);
    identity.writeToken(Instant.now(), Duration.ofHours(1));
    env =
        OperatorTestEnvironment.start(
            Map.of("DPS_OPERATOR_CONNECTION_CHECK_INTERVAL", "1h"),
            b ->
                identity
                    .configure(b)
                    .federatedCredential(
                        READER_CLIENT,
                        DemoWorkloadIdentity.ISSUER,
                        identity.subject(),
                        DemoWorkloadIdentity.AUDIENCE)
                    .entraRole(READER_CLIENT, EntraRole.DATA_READER)
                    .federatedCredential(
                        OTHER_SUBJECT_CLIENT,
                        DemoWorkloadIdentity.ISSUER,
                        "system:serviceaccount:elsewhere:someone",
                        DemoWorkloadIdentity.AUDIENCE)
                    .entraRole(OTHER_SUBJECT_CLIENT, EntraRole.DATA_CONTRIBUTOR),
            identity::environment);
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aContributorConnectionSyncsAndAReaderConnectionWritesNothing() throws Exception {
    String token = Files.readString(tokenDir.resolve("azure-identity-token"));
    String ns = env.newNamespace();
    ClusterDpsConnection contributor =
        create(clusterConnection("wi-contributor-" + ns, DemoWorkloadIdentity.CLIENT_ID));
    ClusterDpsConnection reader = create(clusterConnection("wi-reader-" + ns, READER_CLIENT));
    ClusterDpsConnection refused =
        create(clusterConnection("wi-refused-" + ns, OTHER_SUBJECT_CLIENT));

    IndividualEnrollment synced =
        create(
            Fixtures.enrollment(
                ns, "wi-synced-" + ns, Fixtures.generatedKeys().andThen(uses(contributor))));
    IndividualEnrollment forbidden =
        create(
            Fixtures.enrollment(
                ns, "wi-forbidden-" + ns, Fixtures.generatedKeys().andThen(uses(reader))));

    awaitConnection(contributor, "True", Reasons.CONNECTED);
    env.awaitReady(synced, "True", Reasons.SYNCED);
    assertThat(env.dps.getIndividualEnrollment("wi-synced-" + ns).registrationId())
        .isEqualTo("wi-synced-" + ns);
    assertThat(status(contributor).getAuthType())
        .isEqualTo(ConnectionCredentials.WORKLOAD_IDENTITY);

    // A second connection of the same identity shares its credential: no new token exchange.
    int exchanges = env.emulator.entraTokensIssued();
    ClusterDpsConnection sameIdentity =
        create(clusterConnection("wi-same-" + ns, DemoWorkloadIdentity.CLIENT_ID));
    awaitConnection(sameIdentity, "True", Reasons.CONNECTED);
    assertThat(env.emulator.entraTokensIssued()).isEqualTo(exchanges);

    // The probe only reads, which the Reader role may; the enrollment's write is refused.
    awaitConnection(reader, "True", Reasons.CONNECTED);
    env.awaitReady(forbidden, "False", Reasons.FORBIDDEN);
    assertThat(env.ready(forbidden).orElseThrow().getMessage())
        .contains("Data Contributor")
        .contains("nothing was written");
    assertThat(env.hasEvent(forbidden, Reasons.FORBIDDEN)).isTrue();
    assertThatThrownBy(() -> env.dps.getIndividualEnrollment("wi-forbidden-" + ns))
        .isInstanceOfSatisfying(DpsException.class, e -> assertThat(e.status()).isEqualTo(404));

    // No federated credential matches the token's subject: the token endpoint refuses.
    awaitConnection(refused, "False", Reasons.TOKEN_EXCHANGE_FAILED);
    assertThat(ready(refused).orElseThrow().getMessage()).contains("AADSTS");

    // No status or Event holds a token or assertion.
    List<String> texts = new ArrayList<>();
    for (ClusterDpsConnection c : List.of(contributor, reader, refused)) {
      status(c).getConditions().forEach(cond -> texts.add(cond.getMessage()));
    }
    for (IndividualEnrollment e : List.of(synced, forbidden)) {
      env.fresh(e).getStatus().getConditions().forEach(cond -> texts.add(cond.getMessage()));
    }
    env.kube.v1().events().inAnyNamespace().list().getItems().stream()
        .map(Event::getMessage)
        .forEach(texts::add);
    assertThat(texts).isNotEmpty();
    for (String text : texts) {
      assertThat(text).doesNotContain("eyJ").doesNotContain(token).doesNotContain("Bearer ");
    }
  }

  @Test
  void aTokenFileTheKubeletHasNotWrittenIsReportedAsSuch() throws Exception {
    Path file = tokenDir.resolve("azure-identity-token");
    String ns = env.newNamespace();
    // Another identity, so that no token is cached for it: it needs the file now.
    Files.move(file, tokenDir.resolve("moved"));
    try {
      ClusterDpsConnection missing =
          create(clusterConnection("wi-missing-" + ns, "00000000-0000-4000-8000-0000000000a4"));
      awaitConnection(missing, "False", Reasons.FEDERATED_TOKEN_UNAVAILABLE);
      assertThat(ready(missing).orElseThrow().getMessage()).doesNotContain("eyJ");
    } finally {
      Files.move(tokenDir.resolve("moved"), file);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T create(T resource) {
    return env.kube.resource(resource).create();
  }

  private static ClusterDpsConnection clusterConnection(String name, String clientId) {
    ClusterDpsConnection c = new ClusterDpsConnection();
    c.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ClusterDpsConnectionSpec spec = new ClusterDpsConnectionSpec();
    spec.setHost(env.emulator.hostName());
    WorkloadIdentityAuth wi = new WorkloadIdentityAuth();
    wi.setClientId(clientId);
    wi.setTenantId(DemoWorkloadIdentity.TENANT);
    DpsConnectionAuth auth = new DpsConnectionAuth();
    auth.setWorkloadIdentity(wi);
    spec.setAuth(auth);
    spec.setNamespaceSelector(new LabelSelectorBuilder().build());
    c.setSpec(spec);
    return c;
  }

  private static java.util.function.Consumer<io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec>
      uses(ClusterDpsConnection connection) {
    return s -> {
      ConnectionRef ref = new ConnectionRef();
      ref.setKind(ConnectionKind.CLUSTER_DPS_CONNECTION);
      ref.setName(connection.getMetadata().getName());
      s.setConnectionRef(ref);
    };
  }

  private static DpsConnectionStatus status(ClusterDpsConnection connection) {
    ClusterDpsConnection now = env.fresh(connection);
    return now == null ? null : now.getStatus();
  }

  private static Optional<Condition> ready(ClusterDpsConnection connection) {
    return Conditions.ready(status(connection));
  }

  private static void awaitConnection(ClusterDpsConnection c, String status, String reason) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ready(c))
                    .as("Ready of %s", c.getMetadata().getName())
                    .hasValueSatisfying(
                        cond -> {
                          assertThat(cond.getStatus()).isEqualTo(status);
                          assertThat(cond.getReason()).isEqualTo(reason);
                        }));
  }
}
