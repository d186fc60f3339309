package io.dpsoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Rendered Kubernetes manifests, parsed into typed objects, and the checks they share. */
final class Manifests {
  static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private final List<HasMetadata> objects;

  private Manifests(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /** Parses a multi-document YAML stream; empty documents (comments only) are skipped. */
  static Manifests parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      boolean empty =
          document
              .lines()
              .map(String::strip)
              .allMatch(line -> line.isEmpty() || line.startsWith("#"));
      if (!empty) {
        objects.add(Serialization.unmarshal(document, HasMetadata.class));
      }
    }
    return new Manifests(objects);
  }

  static Manifests parseFiles(List<Path> files) {
    StringBuilder all = new StringBuilder();
    for (Path file : files) {
      all.append(read(file)).append("\n---\n");
    }
    return parse(all.toString());
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<HasMetadata> all() {
    return objects;
  }

  <T extends HasMetadata> List<T> ofType(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  <T extends HasMetadata> T single(Class<T> type) {
    List<T> found = ofType(type);
    assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  /** The one object of a type with a name. */
  <T extends HasMetadata> T named(Class<T> type, String name) {
    List<T> found =
        ofType(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
    assertThat(found).as("exactly one %s named %s", type.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  Set<String> kinds() {
    return objects.stream()
        .map(HasMetadata::getKind)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  // --- Checks shared by the chart and the kustomize base.

  static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  /** Plain env values by name; a valueFrom entry maps to its fieldRef path. */
  static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      String value = var.getValue();
      if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        value = "fieldRef:" + var.getValueFrom().getFieldRef().getFieldPath();
      }
      assertThat(env).as("env %s set once", var.getName()).doesNotContainKey(var.getName());
      env.put(var.getName(), value == null ? "" : value);
    }
    return env;
  }

  /** The restricted Pod Security Standard, plus a read-only root with a writable /tmp. */
  static void assertHardened(Deployment deployment) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    PodSecurityContext podContext = pod.getSecurityContext();
    assertThat(podContext.getRunAsNonRoot()).isTrue();
    assertThat(podContext.getRunAsUser()).isEqualTo(65532L);
    assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container container = operatorContainer(deployment);
    SecurityContext context = container.getSecurityContext();
    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getReadOnlyRootFilesystem()).isTrue();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    assertThat(container.getVolumeMounts())
        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
    String tmpVolume =
        container.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals("/tmp"))
            .findFirst()
            .orElseThrow()
            .getName();
    assertThat(pod.getVolumes())
        .anySatisfy(
            volume -> {
              assertThat(volume.getName()).isEqualTo(tmpVolume);
              assertThat(volume.getEmptyDir()).isNotNull();
            });

    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  /**
   * Probes and the metrics port agree with the port the operator listens on
   * (DPS_OPERATOR_HTTP_PORT).
   */
  static void assertProbesFollowHttpPort(Deployment deployment, int expectedPort) {
    Container container = operatorContainer(deployment);
    assertThat(env(container))
        .containsEntry("DPS_OPERATOR_HTTP_PORT", String.valueOf(expectedPort));
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http-metrics");
              assertThat(port.getContainerPort()).isEqualTo(expectedPort);
            });
    assertHttpProbe(container, container.getLivenessProbe(), "/healthz", expectedPort);
    assertHttpProbe(container, container.getReadinessProbe(), "/readyz", expectedPort);
    if (container.getStartupProbe() != null) {
      assertHttpProbe(container, container.getStartupProbe(), "/healthz", expectedPort);
    }
  }

  private static void assertHttpProbe(Container container, Probe probe, String path, int port) {
    assertThat(probe).as("probe for %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    var target = probe.getHttpGet().getPort();
    int resolved =
        target.getIntVal() != null
            ? target.getIntVal()
            : container.getPorts().stream()
                .filter(p -> target.getStrVal().equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No container port named " + target))
                .getContainerPort();
    assertThat(resolved).as("port of probe %s", path).isEqualTo(port);
  }

  /** The rules the operator needs where it watches: least privilege, exactly. */
  static void assertWatchRules(List<PolicyRule> rules) {
    assertThat(summarize(rules)).containsExactlyInAnyOrderEntriesOf(watchRules());
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getResourceNames()).isNullOrEmpty());
  }

  /**
   * The rules of cluster-wide mode: those of a watched namespace, plus ClusterDpsConnections and
   * namespace labels (their namespaceSelector).
   */
  static void assertClusterRules(List<PolicyRule> rules) {
    Map<String, Set<String>> expected = new LinkedHashMap<>(watchRules());
    expected.put(
        "dpsoperator.io/clusterdpsconnections", Set.of("get", "list", "watch", "update", "patch"));
    expected.put("dpsoperator.io/clusterdpsconnections/status", Set.of("update", "patch"));
    expected.put("dpsoperator.io/clusterdpsconnections/finalizers", Set.of("update"));
    expected.put("/namespaces", Set.of("get", "list", "watch"));
    assertThat(summarize(rules)).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getResourceNames()).isNullOrEmpty());
  }

  private static Map<String, Set<String>> watchRules() {
    return Map.ofEntries(
        Map.entry(
            "dpsoperator.io/dpsconnections", Set.of("get", "list", "watch", "update", "patch")),
        Map.entry("dpsoperator.io/dpsconnections/status", Set.of("update", "patch")),
        Map.entry("dpsoperator.io/dpsconnections/finalizers", Set.of("update")),
        Map.entry(
            "dpsoperator.io/individualenrollments",
            Set.of("get", "list", "watch", "update", "patch")),
        Map.entry(
            "dpsoperator.io/enrollmentgroups", Set.of("get", "list", "watch", "update", "patch")),
        Map.entry("dpsoperator.io/individualenrollments/status", Set.of("update", "patch")),
        Map.entry("dpsoperator.io/enrollmentgroups/status", Set.of("update", "patch")),
        Map.entry("dpsoperator.io/individualenrollments/finalizers", Set.of("update")),
        Map.entry("dpsoperator.io/enrollmentgroups/finalizers", Set.of("update")),
        Map.entry("/secrets", Set.of("get", "list", "watch", "create", "patch")),
        Map.entry("/configmaps", Set.of("get", "list", "watch")),
        Map.entry("/events", Set.of("get", "create", "patch")));
  }

  /** The rules in the operator's own namespace: its Lease and the connection Secret by name. */
  static void assertOperatorNamespaceRules(List<PolicyRule> rules, String connectionSecret) {
    assertThat(summarize(rules))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "coordination.k8s.io/leases",
                Set.of("get", "create", "update"),
                "/secrets",
                Set.of("get", "list", "watch")));
    PolicyRule secrets =
        rules.stream().filter(r -> r.getResources().contains("secrets")).findFirst().orElseThrow();
    assertThat(secrets.getResourceNames()).containsExactly(connectionSecret);
  }

  /** The plural names of the project's kinds, from CRDs (rendered or committed). */
  /**
   * The plurals of the namespaced kinds: the ones people get through the aggregated view and edit
   * roles. Cluster-scoped kinds (ClusterDpsConnection) are for cluster administrators, as
   * cert-manager leaves ClusterIssuer out of its aggregated roles.
   */
  static Set<String> namespacedPlurals(List<? extends HasMetadata> crds) {
    return plurals(
        crds.stream()
            .filter(
                c ->
                    !(c
                            instanceof
                            io.fabric8.kubernetes.api.model.apiextensions.v1
                                    .CustomResourceDefinition
                                crd)
                        || "Namespaced".equals(crd.getSpec().getScope()))
            .toList());
  }

  static Set<String> plurals(List<? extends HasMetadata> crds) {
    return crds.stream()
        .map(o -> o.getMetadata().getName())
        .map(n -> n.substring(0, n.indexOf('.')))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * ClusterRoles for people, aggregated into Kubernetes' default roles: whoever has view reads
   * every kind, whoever has edit or admin also writes it (never its status).
   */
  static void assertAggregatedToDefaultRoles(
      List<io.fabric8.kubernetes.api.model.rbac.ClusterRole> roles, Set<String> plurals) {
    String aggregate = "rbac.authorization.k8s.io/aggregate-to-";
    Map<String, Set<String>> verbsByRole = new LinkedHashMap<>();
    for (var role : roles) {
      for (String defaultRole : List.of("view", "edit", "admin")) {
        if ("true".equals(role.getMetadata().getLabels().get(aggregate + defaultRole))) {
          for (var entry : summarize(role.getRules()).entrySet()) {
            verbsByRole
                .computeIfAbsent(defaultRole + " " + entry.getKey(), k -> new TreeSet<>())
                .addAll(entry.getValue());
          }
        }
      }
    }
    Set<String> read = Set.of("get", "list", "watch");
    Set<String> write = Set.of("create", "delete", "deletecollection", "patch", "update");
    for (String plural : plurals) {
      String resource = "dpsoperator.io/" + plural;
      assertThat(verbsByRole.get("view " + resource)).as("view %s", plural).isEqualTo(read);
      for (String role : List.of("edit", "admin")) {
        assertThat(verbsByRole.get(role + " " + resource))
            .as("%s %s", role, plural)
            .containsAll(read)
            .containsAll(write);
        assertThat(verbsByRole.getOrDefault(role + " " + resource + "/status", Set.of()))
            .as("%s %s/status", role, plural)
            .doesNotContain("update", "patch");
      }
    }
    assertThat(verbsByRole.keySet())
        .as("the aggregated roles grant nothing beyond this project's kinds")
        .allMatch(k -> k.contains(" dpsoperator.io/"));
  }

  /** group/resource to verbs; no wildcards allowed anywhere. */
  static Map<String, Set<String>> summarize(List<PolicyRule> rules) {
    Map<String, Set<String>> summary = new LinkedHashMap<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          summary
              .computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
              .addAll(rule.getVerbs());
        }
      }
    }
    return summary;
  }
}
