package io.dpsoperator.packaging;

import static io.dpsoperator.packaging.Manifests.assertWatchRules;
import static io.dpsoperator.packaging.Manifests.env;
import static io.dpsoperator.packaging.Manifests.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code kubectl kustomize} of the base and of every overlay, and what each grants. */
class KustomizeOverlaysTest {
  static final Path OVERLAYS = Manifests.ROOT.resolve("deploy/overlays");

  static Stream<Path> kustomizations() throws IOException {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      return Stream.concat(
          Stream.of(KustomizeBaseTest.BASE),
          dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted())
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void buildsAndGivesPeopleViewAndEditOnEveryKind(Path dir) throws Exception {
    Manifests built = build(dir);

    List<ClusterRole> forPeople =
        built.ofType(ClusterRole.class).stream()
            .filter(
                r -> "rbac".equals(r.getMetadata().getLabels().get("app.kubernetes.io/component")))
            .toList();
    // An editor and a viewer per kind, named after it.
    var plurals = Manifests.namespacedPlurals(built.ofKind("CustomResourceDefinition"));
    assertThat(plurals).contains("individualenrollments", "enrollmentgroups");
    assertThat(forPeople).hasSize(2 * plurals.size());
    Manifests.assertAggregatedToDefaultRoles(forPeople, plurals);
    assertThat(built.all())
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/part-of", "dps-operator"));
    Manifests.assertHardened(built.single(Deployment.class));
  }

  @Test
  void ownNamespaceOverlayWatchesOnlyTheOperatorsNamespace() throws Exception {
    Manifests built = build(OVERLAYS.resolve("own-namespace"));
    Deployment deployment = built.single(Deployment.class);
    String namespace = deployment.getMetadata().getNamespace();

    assertThat(env(operatorContainer(deployment)))
        .containsEntry("DPS_OPERATOR_WATCH_NAMESPACES", namespace);
    // No cluster-wide grant for the operator: only the ClusterRoles for people remain.
    assertThat(built.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(built.ofType(ClusterRole.class))
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/component", "rbac"));
    Role watched = built.named(Role.class, "dps-operator-watched");
    assertThat(watched.getMetadata().getNamespace()).isEqualTo(namespace);
    assertWatchRules(watched.getRules());
    RoleBinding binding = built.named(RoleBinding.class, "dps-operator-watched");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(binding.getRoleRef().getName()).isEqualTo("dps-operator-watched");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName())
                  .isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
              assertThat(s.getNamespace()).isEqualTo(namespace);
            });
    // The Role for the operator's own namespace (Lease, connection Secret) is still there.
    Manifests.assertOperatorNamespaceRules(
        built.named(Role.class, "dps-operator").getRules(), "dps-connection");
  }

  /** The YAML kubectl kustomize prints for a directory. */
  static Manifests build(Path dir) throws Exception {
    assumeTrue(
        KustomizeBaseTest.kubectlAvailable(), "kubectl is not on the PATH; cannot run kustomize");
    Process process =
        new ProcessBuilder("kubectl", "kustomize", dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return Manifests.parse(output);
  }
}
