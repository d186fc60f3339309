package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.operator.secrets.GeneratedKeysSecret;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator instances on one Kubernetes API and one DPS (issue #11): the one without a
 * controller class reconciles only unlabelled resources, the "canary" one only resources labelled
 * {@code dpsoperator.io/controller-class: canary}, in the same namespace. The mock API server's
 * recorded requests, told apart by User-Agent, show that neither writes to the other's resource,
 * its generated Secret or its Events.
 */
class ControllerClassTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CANARY_AGENT = "dps-operator-canary";
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = OperatorTestEnvironment.start();
    env.startAnother(
        Map.of("DPS_OPERATOR_CONTROLLER_CLASS", "canary"), CANARY_AGENT, new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static Secret secret(String ns, String name) {
    return env.kube.secrets().inNamespace(ns).withName(name).get();
  }

  @Test
  void eachInstanceReconcilesOnlyItsOwnResources() throws Exception {
    String ns = env.newNamespace();
    IndividualEnrollment stable =
        env.kube.resource(enrollment(ns, "stable-01", Fixtures.generatedKeys())).create();
    IndividualEnrollment canaryResource = enrollment(ns, "canary-01", Fixtures.generatedKeys());
    canaryResource.getMetadata().setLabels(Map.of(ControllerClass.LABEL, "canary"));
    IndividualEnrollment canary = env.kube.resource(canaryResource).create();

    env.awaitReady(stable, "True", "Synced");
    env.awaitReady(canary, "True", "Synced");
    await()
        .atMost(WAIT)
        .until(
            () ->
                secret(ns, "stable-01-dps-keys") != null
                    && secret(ns, "canary-01-dps-keys") != null);
    assertThat(secret(ns, "stable-01-dps-keys").getMetadata().getLabels())
        .doesNotContainKey(GeneratedKeysSecret.CONTROLLER_CLASS_LABEL);
    assertThat(secret(ns, "canary-01-dps-keys").getMetadata().getLabels())
        .containsEntry(GeneratedKeysSecret.CONTROLLER_CLASS_LABEL, "canary");
    // Several sweeps and resyncs (2 s here) go by; neither instance takes the other's Secret.
    await()
        .during(Duration.ofSeconds(6))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !secret(ns, "stable-01-dps-keys")
                        .getMetadata()
                        .getLabels()
                        .containsKey(GeneratedKeysSecret.CONTROLLER_CLASS_LABEL)
                    && "canary"
                        .equals(
                            secret(ns, "canary-01-dps-keys")
                                .getMetadata()
                                .getLabels()
                                .get(GeneratedKeysSecret.CONTROLLER_CLASS_LABEL)));

    List<RecordedRequest> requests = new ArrayList<>();
    for (RecordedRequest r = env.server.takeRequest(1, TimeUnit.SECONDS);
        r != null;
        r = env.server.takeRequest(100, TimeUnit.MILLISECONDS)) {
      requests.add(r);
    }
    List<RecordedRequest> byCanary =
        requests.stream().filter(r -> CANARY_AGENT.equals(r.getHeader("User-Agent"))).toList();
    List<RecordedRequest> byStable =
        requests.stream().filter(r -> !CANARY_AGENT.equals(r.getHeader("User-Agent"))).toList();

    assertThat(writesAbout(byCanary, "canary-01"))
        .as("the canary instance served its resource")
        .isNotEmpty();
    assertThat(writesAbout(byCanary, "stable-01"))
        .as("the canary instance never wrote to the stable resource, its Secret or its Events")
        .isEmpty();
    // Nothing without the canary's agent changed an object of canary-01 (the test's own create
    // names the collection).
    assertThat(writesAbout(byStable, "canary-01")).isEmpty();
    // Creations name the collection, not the object: the objects tell who made them.
    assertThat(env.events(stable))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("dps-operator"));
    assertThat(env.events(canary))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("dps-operator-canary"));
  }

  @Test
  void relabellingMovesAResourceToTheOtherInstanceWithoutAdoption() throws Exception {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "moving-01", Fixtures.keysFromSecret("keys"))).create();
    env.awaitReady(r, "True", "Synced");
    assertThat(env.fresh(r).getStatus().getOwnership()).isEqualTo("Created");

    // One edit moves it to the canary instance and changes its spec (the operator patches the
    // status meanwhile: retried on a conflict). The canary instance applies the change.
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              env.kube
                  .resource(env.fresh(r))
                  .edit(
                      e -> {
                        e.getMetadata().setLabels(Map.of(ControllerClass.LABEL, "canary"));
                        e.getSpec()
                            .setProvisioningStatus(
                                io.dpsoperator.api.v1alpha1.ProvisioningStatus.DISABLED);
                        return e;
                      });
              return true;
            });
    await()
        .atMost(WAIT)
        .until(
            () ->
                env.dps.getIndividualEnrollment("moving-01").provisioningStatus()
                    == io.dpsoperator.dps.model.ProvisioningStatus.DISABLED);
    env.awaitReady(r, "True", "Synced");
    assertThat(env.fresh(r).getStatus().getOwnership()).isEqualTo("Created");
    assertThat(env.events(r))
        .noneMatch(e -> "Adopted".equals(e.getReason()))
        .filteredOn(e -> "Updated".equals(e.getReason()))
        .allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("dps-operator-canary"));

    // Its deletion is the canary's too, and deletes the record it owns.
    env.kube.resource(env.fresh(r)).delete();
    await().atMost(WAIT).until(() -> env.fresh(r) == null);
    assertThat(env.dps.queryAllIndividualEnrollments(100))
        .noneMatch(e -> e.registrationId().equals("moving-01"));
  }

  /**
   * Requests that change an object named after the resource: the resource, its status, its
   * generated Secret ({@code <name>-dps-keys}) or one of its Events ({@code <name>.<suffix>}).
   */
  private static List<RecordedRequest> writesAbout(List<RecordedRequest> requests, String name) {
    return requests.stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .filter(r -> r.getPath().contains("/" + name))
        .toList();
  }
}
