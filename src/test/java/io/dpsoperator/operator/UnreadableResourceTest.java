package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.dps.DpsException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resources whose JSON the operator's model cannot hold (issue #10), applied as raw JSON next to
 * good ones: the operator keeps running and serving the good ones, reports the bad ones, and serves
 * them once they are fixed.
 */
class UnreadableResourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEYS_ATTESTATION =
      "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"secretRef\":{\"name\":\"keys\"}}}";
  private static final ResourceDefinitionContext INDIVIDUAL =
      context("IndividualEnrollment", "individualenrollments");
  private static final ResourceDefinitionContext GROUP =
      context("EnrollmentGroup", "enrollmentgroups");

  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = OperatorTestEnvironment.start();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("dpsoperator.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  static Stream<Arguments> unreadableEnrollments() {
    return Stream.of(
        Arguments.of(
            "{\"attestation\":{\"type\":\"password\",\"symmetricKey\":{\"secretRef\":{\"name\":\"keys\"}}}}",
            "spec.attestation.type is \"password\", expected one of symmetricKey, x509, tpm"),
        Arguments.of(
            "{\"allocationPolicy\":\"random\",\"attestation\":" + KEYS_ATTESTATION + "}",
            "spec.allocationPolicy is \"random\", expected one of hashed, geoLatency, static,"
                + " custom"),
        Arguments.of(
            "{\"attestation\":\"oops\"}", "spec.attestation is \"oops\", expected an object"),
        Arguments.of(
            "{\"reprovisionPolicy\":\"yes\",\"attestation\":" + KEYS_ATTESTATION + "}",
            "spec.reprovisionPolicy is \"yes\", expected an object"),
        Arguments.of(
            "{\"reconcilePolicy\":\"Ignore\",\"attestation\":" + KEYS_ATTESTATION + "}",
            "spec.reconcilePolicy is \"Ignore\", expected one of Manage, Observe"),
        Arguments.of(
            "{\"adoptionPolicy\":\"Take\",\"attestation\":" + KEYS_ATTESTATION + "}",
            "spec.adoptionPolicy is \"Take\", expected one of Adopt, AdoptAndOwn, Refuse"),
        Arguments.of(
            "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                + "{\"generatedSecretTemplate\":{\"labels\":\"team=pumps\"}}}}",
            // Under symmetricKey, a key-like path: the value is not shown.
            "spec.attestation.symmetricKey.generatedSecretTemplate.labels is a string (not"
                + " shown), expected an object"));
  }

  @ParameterizedTest
  @MethodSource("unreadableEnrollments")
  void anUnreadableEnrollmentIsReportedAndTheOthersAreServed(String badSpec, String problem) {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    // Names are DPS ids, and the emulator is shared by all cases.
    String badId = ns + "-bad";
    IndividualEnrollment bad = applyRaw(INDIVIDUAL, ns, badId, badSpec, IndividualEnrollment::new);
    // Created after the bad one, so served while the bad one is in the operator's cache.
    IndividualEnrollment good =
        env.kube
            .resource(Fixtures.enrollment(ns, ns + "-good", Fixtures.keysFromSecret("keys")))
            .create();

    env.awaitReady(good, "True", "Synced");
    assertThat(individualInDps(good.registrationId())).isTrue();
    assertReported(bad, INDIVIDUAL, badSpec, problem);
    assertThat(individualInDps(badId)).isFalse();

    fix(INDIVIDUAL, bad, "{\"attestation\":" + KEYS_ATTESTATION + "}");
    env.awaitReady(bad, "True", "Synced");
    assertThat(individualInDps(badId)).isTrue();
  }

  @Test
  void aTpmGroupIsReportedAndTheOthersAreServed() {
    String ns = env.newNamespace();
    String badSpec =
        "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\"AToAAQAL\"}}}";
    EnrollmentGroup bad = applyRaw(GROUP, ns, "bad-group", badSpec, EnrollmentGroup::new);
    EnrollmentGroup good =
        env.kube
            .resource(Fixtures.group(ns, "good-group", Fixtures.groupKeysFromSecret(null)))
            .create();

    env.awaitReady(good, "True", "Synced");
    assertReported(
        bad,
        GROUP,
        badSpec,
        "spec.attestation.type is \"tpm\", expected one of symmetricKey, x509");
    assertThat(groupInDps("bad-group")).isFalse();

    fix(GROUP, bad, "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}}}");
    env.awaitReady(bad, "True", "Synced");
    assertThat(groupInDps("bad-group")).isTrue();
  }

  @Test
  void deletingAnUnreadableResourceLeavesItsDpsRecordAndDoesNotHang() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        env.kube
            .resource(Fixtures.enrollment(ns, "was-good", Fixtures.keysFromSecret("keys")))
            .create();
    env.awaitReady(r, "True", "Synced");
    String unreadable = "{\"attestation\":{\"type\":\"password\"},\"deletionPolicy\":\"Delete\"}";
    fix(INDIVIDUAL, r, unreadable);
    env.awaitReady(r, "False", "InvalidSpec");

    env.kube.resource(r).delete();

    await().atMost(WAIT).until(() -> env.fresh(r) == null);
    assertThat(individualInDps("was-good")).as("never deleted on a guess").isTrue();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(env.events(r))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("Orphaned");
                          assertThat(e.getMessage())
                              .contains("spec.attestation.type is \"password\"");
                        }));
    // The operator still serves new resources.
    IndividualEnrollment next =
        env.kube
            .resource(Fixtures.enrollment(ns, "after", Fixtures.keysFromSecret("keys")))
            .create();
    env.awaitReady(next, "True", "Synced");
  }

  @Test
  void anUnreadableResourceThatNeverReachedDpsIsDeletedAtOnce() {
    String ns = env.newNamespace();
    IndividualEnrollment bad =
        applyRaw(INDIVIDUAL, ns, "never", "{\"attestation\":\"oops\"}", IndividualEnrollment::new);
    env.awaitReady(bad, "False", "InvalidSpec");
    env.kube.resource(bad).delete();
    await().atMost(WAIT).until(() -> env.fresh(bad) == null);
    assertThat(env.hasEvent(bad, "Orphaned")).isFalse();
  }

  @Test
  void anUnreadableResourceInTheInitialListDoesNotStopTheStart() throws Exception {
    // A restarted operator lists every resource before it watches; an item that failed to decode
    // there would fail the start (JOSDK stops on informer errors during startup): a crash loop.
    try (OperatorTestEnvironment own = OperatorTestEnvironment.start()) {
      own.operator.close();
      String ns = own.newNamespace();
      own.randomKeysSecret(ns, "keys");
      String badSpec = "{\"attestation\":{\"type\":\"password\"}}";
      IndividualEnrollment bad =
          applyRaw(own, INDIVIDUAL, ns, "listed-bad", badSpec, IndividualEnrollment::new);
      IndividualEnrollment good =
          own.kube
              .resource(Fixtures.enrollment(ns, "listed-good", Fixtures.keysFromSecret("keys")))
              .create();

      try (DpsOperator restarted =
          DpsOperator.start(
              OperatorConfig.fromEnv(
                  Map.of(
                      "DPS_OPERATOR_NAMESPACE",
                      OperatorTestEnvironment.OPERATOR_NAMESPACE,
                      "DPS_OPERATOR_RESYNC_INTERVAL",
                      "2s",
                      "DPS_OPERATOR_ID_SCOPE",
                      own.emulator.idScope(),
                      "DPS_OPERATOR_DEVICE_ENDPOINT",
                      own.emulator.deviceEndpoint())),
              new DpsOperator.Wiring(
                  own.kube,
                  new SimpleMeterRegistry(),
                  Optional.empty(),
                  Optional.of(own.emulator.caCertificatePem()),
                  false,
                  false,
                  Clock.systemUTC()))) {
        own.awaitReady(good, "True", "Synced");
        own.awaitReady(bad, "False", "InvalidSpec");
        assertThat(own.ready(bad).orElseThrow().getMessage())
            .contains("spec.attestation.type is \"password\"");
      }
    }
  }

  private void assertReported(
      HasMetadata bad, ResourceDefinitionContext kind, String appliedSpec, String problem) {
    env.awaitReady(bad, "False", "InvalidSpec");
    assertThat(env.ready(bad).orElseThrow().getMessage()).contains(problem);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(env.events(bad))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("InvalidSpec");
                          assertThat(e.getMessage()).contains(problem);
                        }));
    GenericKubernetesResource stored = raw(kind, bad);
    assertThat(json(stored.getAdditionalProperties().get("spec")))
        .as("the status write kept the user's spec as it was")
        .isEqualTo(json(appliedSpec));
    assertThat(
            ((java.util.Map<?, ?>) stored.getAdditionalProperties().get("status"))
                .get("observedGeneration"))
        .isEqualTo(stored.getMetadata().getGeneration().intValue());
  }

  private static <T extends HasMetadata> T applyRaw(
      ResourceDefinitionContext kind, String ns, String name, String spec, Supplier<T> handle) {
    return applyRaw(env, kind, ns, name, spec, handle);
  }

  private static <T extends HasMetadata> T applyRaw(
      OperatorTestEnvironment env,
      ResourceDefinitionContext kind,
      String ns,
      String name,
      String spec,
      Supplier<T> handle) {
    GenericKubernetesResource resource =
        env.kube
            .getKubernetesSerialization()
            .unmarshal(
                "{\"apiVersion\":\"dpsoperator.io/v1alpha1\",\"kind\":\""
                    + kind.getKind()
                    + "\",\"metadata\":{\"name\":\""
                    + name
                    + "\",\"namespace\":\""
                    + ns
                    + "\"},\"spec\":"
                    + spec
                    + "}",
                GenericKubernetesResource.class);
    env.kube.genericKubernetesResources(kind).inNamespace(ns).resource(resource).create();
    T typed = handle.get();
    typed.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    return typed;
  }

  private static void fix(ResourceDefinitionContext kind, HasMetadata r, String spec) {
    env.kube
        .genericKubernetesResources(kind)
        .inNamespace(r.getMetadata().getNamespace())
        .withName(r.getMetadata().getName())
        .edit(
            g -> {
              g.setAdditionalProperty(
                  "spec", env.kube.getKubernetesSerialization().unmarshal(spec, Object.class));
              return g;
            });
  }

  private static GenericKubernetesResource raw(ResourceDefinitionContext kind, HasMetadata r) {
    return env.kube
        .genericKubernetesResources(kind)
        .inNamespace(r.getMetadata().getNamespace())
        .withName(r.getMetadata().getName())
        .get();
  }

  private static JsonNode json(Object value) {
    var ser = env.kube.getKubernetesSerialization();
    return ser.unmarshal(value instanceof String s ? s : ser.asJson(value), JsonNode.class);
  }

  private static boolean individualInDps(String id) {
    return exists(() -> env.dps.getIndividualEnrollment(id));
  }

  private static boolean groupInDps(String id) {
    return exists(() -> env.dps.getEnrollmentGroup(id));
  }

  private static boolean exists(Supplier<?> read) {
    try {
      read.get();
      return true;
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }
}
