package io.dpsoperator.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.operator.MockKubernetes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The referenced Secrets and ConfigMaps against fabric8's mock API server in CRUD mode: how many
 * watches they cost, which resources a change triggers, and what is held in memory.
 */
class ReferencedObjectsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NS = "team-a";

  private KubernetesMockServer server;
  private KubernetesClient kube;
  private ReferencedObjects<ConfigMap> referenced;
  private final List<ResourceID> triggered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = MockKubernetes.crud();
    kube = server.createClient();
    referenced = new ReferencedObjects<>(kube, "test-references", Set.of(NS));
    referenced.setEventHandler(event -> triggered.add(event.getRelatedCustomResourceID()));
    referenced.start();
  }

  @AfterEach
  void stop() {
    referenced.stop();
    kube.close();
    server.destroy();
  }

  private Secret secret(String namespace, String name, Map<String, String> data) {
    return kube.secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData(data)
                .build())
        .createOr(r -> r.update());
  }

  private static ResourceID primary(String name) {
    return new ResourceID(name, NS);
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(50, TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(50, TimeUnit.MILLISECONDS)) {
      requests.add(r);
    }
    return requests;
  }

  private static boolean isWatch(RecordedRequest r) {
    return r.getPath().contains("watch=true");
  }

  /** Waits until every scope's informer has listed, by a change only a synced informer reports. */
  private void awaitWatching(String marker) {
    secret(NS, marker, Map.of("v", "1"));
    referenced.track(primary(marker), List.of(ObjectRef.secret(NS, marker)));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              secret(NS, marker, Map.of("v", String.valueOf(System.nanoTime())));
              return triggered.contains(primary(marker));
            });
  }

  @ParameterizedTest(name = "{0} resources")
  @ValueSource(ints = {5, 50})
  void watchesDoNotGrowWithTheNumberOfReferencedSecrets(int resources) throws Exception {
    for (int i = 0; i < resources; i++) {
      secret(NS, "keys-" + i, Map.of("primaryKey", "k" + i));
      referenced.track(primary("r-" + i), List.of(ObjectRef.secret(NS, "keys-" + i)));
    }
    referenced.track(primary("tpm"), List.of(ObjectRef.configMap(NS, "tpm")));
    awaitWatching("marker");
    for (int i = 0; i < resources; i++) {
      assertThat(referenced.data(ObjectRef.secret(NS, "keys-" + i)))
          .hasValue(Map.of("primaryKey", "k" + i));
    }
    List<RecordedRequest> first = drainRequests();
    assertThat(first.stream().filter(ReferencedObjectsTest::isWatch).map(RecordedRequest::getPath))
        .as("one watch per kind in the watched namespace")
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("/api/v1/namespaces/" + NS + "/secrets?"))
        .anySatisfy(p -> assertThat(p).startsWith("/api/v1/namespaces/" + NS + "/configmaps?"));
    assertThat(referenced.scopes()).hasSize(2);

    // Read again with nothing changed: served from memory, no request at all.
    for (int i = 0; i < resources; i++) {
      assertThat(referenced.data(ObjectRef.secret(NS, "keys-" + i))).isPresent();
    }
    assertThat(drainRequests()).isEmpty();
  }

  @Test
  void aSecretCreatedAfterItsResourceTriggersIt() {
    ObjectRef later = ObjectRef.secret(NS, "later");
    referenced.track(primary("waiting"), List.of(later));
    awaitWatching("marker");
    assertThat(referenced.data(later)).isEmpty();
    triggered.clear();

    secret(NS, "later", Map.of("primaryKey", "created-later"));

    await().atMost(WAIT).until(() -> triggered.contains(primary("waiting")));
    assertThat(referenced.data(later)).hasValue(Map.of("primaryKey", "created-later"));
  }

  @Test
  void aChangeTriggersOnlyTheResourcesThatUseIt() {
    secret(NS, "keys-a", Map.of("primaryKey", "a1"));
    secret(NS, "keys-b", Map.of("primaryKey", "b1"));
    referenced.track(primary("uses-a"), List.of(ObjectRef.secret(NS, "keys-a")));
    referenced.track(primary("also-uses-a"), List.of(ObjectRef.secret(NS, "keys-a")));
    referenced.track(primary("uses-b"), List.of(ObjectRef.secret(NS, "keys-b")));
    awaitWatching("marker");
    assertThat(referenced.data(ObjectRef.secret(NS, "keys-a")))
        .hasValue(Map.of("primaryKey", "a1"));
    triggered.clear();

    secret(NS, "keys-a", Map.of("primaryKey", "a2"));
    // The informer reports in order: once the marker's change is seen, keys-a's was too.
    awaitWatching("marker");

    assertThat(triggered)
        .contains(primary("uses-a"), primary("also-uses-a"))
        .doesNotContain(primary("uses-b"));
    assertThat(referenced.data(ObjectRef.secret(NS, "keys-a")))
        .hasValue(Map.of("primaryKey", "a2"));
  }

  @Test
  void onlyReferencedSecretsDataIsHeld() {
    String password = "hunter2-" + System.nanoTime();
    String encoded = Base64.getEncoder().encodeToString(password.getBytes());
    kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("unrelated")
                .addToLabels("app", "other")
                // kubectl apply repeats the data in this annotation.
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"data\":{\"password\":\"" + encoded + "\"}}")
                .endMetadata()
                .addToData("password", encoded)
                .build())
        .create();
    secret(NS, "keys", Map.of("primaryKey", "referenced-key"));
    ObjectRef keys = ObjectRef.secret(NS, "keys");
    referenced.track(primary("user"), List.of(keys));
    awaitWatching("marker");
    assertThat(referenced.data(keys)).hasValue(Map.of("primaryKey", "referenced-key"));

    // Held as the API server serves it: base64 in data.
    String referencedKey = Base64.getEncoder().encodeToString("referenced-key".getBytes());
    assertThat(held())
        .contains(referencedKey, "unrelated")
        .doesNotContain(password)
        .doesNotContain(encoded);

    referenced.untrack(primary("user"));
    assertThat(held()).doesNotContain(referencedKey).contains("keys");
  }

  @Test
  void outsideTheWatchedNamespacesObjectsAreWatchedByName() throws Exception {
    secret("operator", "dps-connection", Map.of("connectionString", "c1"));
    secret("operator", "other", Map.of("v", "1"));
    ObjectRef connection = ObjectRef.secret("operator", "dps-connection");
    referenced.track(primary("a"), List.of(connection));
    referenced.track(primary("b"), List.of(connection));
    awaitWatching("marker");
    await().atMost(WAIT).until(() -> referenced.heldObjects().size() >= 3);
    assertThat(referenced.data(connection)).hasValue(Map.of("connectionString", "c1"));
    assertThat(drainRequests().stream().filter(ReferencedObjectsTest::isWatch))
        .map(RecordedRequest::getPath)
        .filteredOn(p -> p.startsWith("/api/v1/namespaces/operator/"))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("fieldSelector=metadata.name%3Ddps-connection"));
    assertThat(held()).doesNotContain("\"other\"");
  }

  @Test
  void heldSecretsLeaveOutManagedFieldsAndTheLastAppliedCopy() throws Exception {
    kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("applied")
                .addToLabels("team", "a")
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"stringData\":{\"primaryKey\":\"applied-copy\"}}")
                .addNewManagedField()
                .withManager("kubectl-client-side-apply")
                .withOperation("Update")
                .endManagedField()
                .endMetadata()
                .addToStringData("primaryKey", "k1")
                .build())
        .create();
    ObjectRef ref = ObjectRef.secret(NS, "applied");
    referenced.track(primary("a"), List.of(ref));
    awaitWatching("marker");
    await().atMost(WAIT).until(() -> held().contains("\"applied\""));

    assertThat(referenced.data(ref)).hasValue(Map.of("primaryKey", "k1"));
    assertThat(referenced.object(ref))
        .get()
        .satisfies(o -> assertThat(o.getMetadata().getLabels()).containsEntry("team", "a"));
    assertThat(held())
        .doesNotContain("applied-copy")
        .doesNotContain("kubectl-client-side-apply")
        .doesNotContain("last-applied-configuration");
  }

  private String held() {
    List<HasMetadata> objects = referenced.heldObjects();
    return kube.getKubernetesSerialization().asJson(objects);
  }
}
