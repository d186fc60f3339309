package io.dpsoperator.packaging;

import static io.dpsoperator.packaging.Manifests.assertHardened;
import static io.dpsoperator.packaging.Manifests.assertOperatorNamespaceRules;
import static io.dpsoperator.packaging.Manifests.assertProbesFollowHttpPort;
import static io.dpsoperator.packaging.Manifests.assertWatchRules;
import static io.dpsoperator.packaging.Manifests.env;
import static io.dpsoperator.packaging.Manifests.operatorContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Helm chart, linted and rendered by the Helm library, and the rendered objects checked. */
class HelmChartTest {

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(Chart.DIR).lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void defaultsRenderClusterWideOperator() {
    Manifests manifests = Chart.render();

    assertThat(manifests.kinds())
        .containsExactlyInAnyOrder(
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service");
    assertThat(manifests.all())
        .filteredOn(o -> !o.getKind().startsWith("Cluster"))
        .filteredOn(o -> !o.getKind().equals("CustomResourceDefinition"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE));

    Deployment deployment = manifests.single(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertHardened(deployment);
    assertProbesFollowHttpPort(deployment, 8080);
    Container container = operatorContainer(deployment);
    assertThat(container.getImage()).isEqualTo("ghcr.io/dps-operator/dps-operator:0.1.0");
    assertThat(container.getArgs()).containsExactly("run");
    assertThat(env(container))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("DPS_OPERATOR_STATUS_HEARTBEAT", "1h"),
                Map.entry("DPS_OPERATOR_QUERY_PAGE_SIZE", "100"),
                Map.entry("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "1h"),
                Map.entry("DPS_OPERATOR_CONNECTION_CHECK_INTERVAL", "10m"),
                Map.entry("DPS_OPERATOR_CERTIFICATE_EXPIRY_WARNING", "30d"),
                Map.entry("DPS_OPERATOR_CONTROLLER_CLASS", ""),
                Map.entry("DPS_OPERATOR_NAMESPACE", "fieldRef:metadata.namespace"),
                Map.entry("DPS_OPERATOR_CONNECTION_SECRET", "dps-connection"),
                Map.entry("DPS_OPERATOR_CONNECTION_SECRET_KEY", "connectionString"),
                Map.entry("DPS_OPERATOR_WATCH_NAMESPACES", ""),
                Map.entry("DPS_OPERATOR_RESYNC_INTERVAL", "5m"),
                Map.entry("DPS_OPERATOR_GROUP_STATUS_INTERVAL", "10m"),
                Map.entry("DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "1000"),
                Map.entry("DPS_OPERATOR_REQUEST_TIMEOUT", "5s"),
                Map.entry("DPS_OPERATOR_CONNECT_TIMEOUT", "2s"),
                Map.entry("DPS_OPERATOR_CA_BUNDLE_FILE", ""),
                Map.entry("DPS_OPERATOR_ID_SCOPE", ""),
                Map.entry("DPS_OPERATOR_DEVICE_ENDPOINT", "global.azure-devices-provisioning.net"),
                Map.entry("DPS_OPERATOR_LEADER_ELECTION", "false"),
                Map.entry("DPS_OPERATOR_LEADER_ELECTION_LEASE", "dps-operator-leader"),
                Map.entry("DPS_OPERATOR_HTTP_PORT", "8080"),
                Map.entry("DPS_OPERATOR_LOG_LEVEL", "INFO"),
                Map.entry("DPS_OPERATOR_LOG_FORMAT", "text"),
                Map.entry("DPS_OPERATOR_EMBEDDED_DPS", "false")));

    String serviceAccount = manifests.single(ServiceAccount.class).getMetadata().getName();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(serviceAccount);

    ClusterRole clusterRole = manifests.named(ClusterRole.class, Chart.RELEASE);
    Manifests.assertClusterRules(clusterRole.getRules());
    ClusterRoleBinding clusterBinding = manifests.single(ClusterRoleBinding.class);
    assertThat(clusterBinding.getRoleRef().getName())
        .isEqualTo(clusterRole.getMetadata().getName());
    assertThat(clusterBinding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(serviceAccount);
              assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });

    Role operatorRole = manifests.single(Role.class);
    assertOperatorNamespaceRules(operatorRole.getRules(), "dps-connection");
    assertThat(manifests.single(RoleBinding.class).getRoleRef().getName())
        .isEqualTo(operatorRole.getMetadata().getName());

    Service service = manifests.single(Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http-metrics"));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .isEqualTo(service.getSpec().getSelector());
  }

  @Test
  void namespaceListRendersRolesPerNamespaceAndNoClusterRole() {
    Manifests manifests = Chart.render("watchNamespaces: [team-a, team-b]\n");

    // Only the ClusterRoles for people, aggregated into view/edit/admin, which bind nothing.
    assertThat(manifests.ofType(ClusterRole.class))
        .allSatisfy(
            r ->
                assertThat(r.getMetadata().getLabels())
                    .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true"));
    assertThat(manifests.ofType(ClusterRoleBinding.class)).isEmpty();
    assertThat(
            env(operatorContainer(manifests.single(Deployment.class)))
                .get("DPS_OPERATOR_WATCH_NAMESPACES"))
        .isEqualTo("team-a,team-b");

    List<Role> roles = manifests.ofType(Role.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", Chart.NAMESPACE);
    for (String namespace : List.of("team-a", "team-b")) {
      Role role = inNamespace(roles, namespace);
      assertWatchRules(role.getRules());
      RoleBinding binding = inNamespace(manifests.ofType(RoleBinding.class), namespace);
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE));
    }
    assertOperatorNamespaceRules(inNamespace(roles, Chart.NAMESPACE).getRules(), "dps-connection");
  }

  @Test
  void watchingTheReleaseNamespaceKeepsTheOperatorRoleSeparate() {
    Manifests manifests = Chart.render("watchNamespaces: [" + Chart.NAMESPACE + "]\n");

    List<Role> roles = manifests.ofType(Role.class);
    assertThat(roles).hasSize(2);
    assertThat(roles).extracting(r -> r.getMetadata().getName()).doesNotHaveDuplicates();
    assertThat(manifests.ofType(RoleBinding.class))
        .extracting(r -> r.getMetadata().getName())
        .doesNotHaveDuplicates();
  }

  @Test
  void moreThanOneReplicaForcesLeaderElection() {
    Deployment deployment =
        Chart.render("replicaCount: 2\nleaderElection:\n  enabled: false\n")
            .single(Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(operatorContainer(deployment)))
        .containsEntry("DPS_OPERATOR_LEADER_ELECTION", "true");
  }

  @Test
  void leaderElectionCanBeOnWithOneReplica() {
    Deployment deployment =
        Chart.render("leaderElection:\n  enabled: true\n  leaseName: my-lease\n")
            .single(Deployment.class);

    assertThat(env(operatorContainer(deployment)))
        .containsEntry("DPS_OPERATOR_LEADER_ELECTION", "true")
        .containsEntry("DPS_OPERATOR_LEADER_ELECTION_LEASE", "my-lease");
  }

  @Test
  void httpPortMovesProbesContainerPortAndEnvTogether() {
    Deployment deployment = Chart.render("http:\n  port: 9090\n").single(Deployment.class);

    assertProbesFollowHttpPort(deployment, 9090);
  }

  @Test
  void serviceMonitorScrapesTheMetricsService() {
    Manifests manifests =
        Chart.render(
            """
            metrics:
              serviceMonitor:
                enabled: true
                interval: 15s
                labels:
                  release: kube-prometheus-stack
            """);

    GenericKubernetesResource monitor =
        manifests.ofKind("ServiceMonitor").stream()
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertThat(endpoint)
        .containsEntry("port", "http-metrics")
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "15s");

    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    Service service = manifests.single(Service.class);
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName())
        .containsExactly("http-metrics");
  }

  @Test
  void serviceMonitorWithoutServiceFails() {
    assertThatThrownBy(
            () ->
                Chart.renderText(
                    "metrics:\n  service:\n    enabled: false\n"
                        + "  serviceMonitor:\n    enabled: true\n"))
        .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.service.enabled");
  }

  @Test
  void metricsServiceCanBeOff() {
    assertThat(Chart.render("metrics:\n  service:\n    enabled: false\n").ofType(Service.class))
        .isEmpty();
  }

  @Test
  void podDisruptionBudgetSelectsTheOperatorPods() {
    Manifests manifests =
        Chart.render("replicaCount: 2\npodDisruptionBudget:\n  enabled: true\n  minAvailable: 1\n");

    PodDisruptionBudget budget = manifests.single(PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    Deployment deployment = manifests.single(Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void caBundleFromConfigMapIsMountedAndNamedInEnv() {
    Deployment deployment =
        Chart.render("dps:\n  caBundle:\n    configMapName: corp-ca\n    key: bundle.pem\n")
            .single(Deployment.class);

    Volume volume = caVolume(deployment);
    assertThat(volume.getConfigMap().getName()).isEqualTo("corp-ca");
    assertThat(volume.getConfigMap().getItems())
        .singleElement()
        .satisfies(item -> assertThat(item.getKey()).isEqualTo("bundle.pem"));
    assertCaBundleFileIsMounted(
        deployment, volume, volume.getConfigMap().getItems().get(0).getPath());
  }

  @Test
  void caBundleFromSecretIsMountedAndNamedInEnv() {
    Deployment deployment =
        Chart.render("dps:\n  caBundle:\n    secretName: corp-ca\n").single(Deployment.class);

    Volume volume = caVolume(deployment);
    assertThat(volume.getSecret().getSecretName()).isEqualTo("corp-ca");
    assertThat(volume.getSecret().getItems())
        .singleElement()
        .satisfies(item -> assertThat(item.getKey()).isEqualTo("ca.crt"));
    assertCaBundleFileIsMounted(deployment, volume, volume.getSecret().getItems().get(0).getPath());
  }

  @Test
  void caBundleFromBothSourcesFails() {
    assertThatThrownBy(
            () -> Chart.renderText("dps:\n  caBundle:\n    configMapName: a\n    secretName: b\n"))
        .hasMessageContaining("not both");
  }

  @Test
  void extraEnvIsAppended() {
    Deployment deployment =
        Chart.render(
                """
                extraEnv:
                  - name: JAVA_TOOL_OPTIONS
                    value: -XX:+ExitOnOutOfMemoryError
                  - name: HTTPS_PROXY
                    valueFrom:
                      secretKeyRef:
                        name: proxy
                        key: url
                """)
            .single(Deployment.class);

    var env = operatorContainer(deployment).getEnv();
    assertThat(env.get(env.size() - 2).getName()).isEqualTo("JAVA_TOOL_OPTIONS");
    assertThat(env.get(env.size() - 1).getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("proxy");
    assertThat(env(operatorContainer(deployment)).keySet()).containsAll(OperatorSettings.ENV);
  }

  @Test
  void theImagesJvmOptionsApplyByDefaultAndFitTheMemoryLimit() {
    Container container = operatorContainer(Chart.render().single(Deployment.class));

    assertThat(env(container)).doesNotContainKey("JDK_JAVA_OPTIONS");
    assertThat(DockerfileTest.jvmOptions()).contains("-XX:MaxRAMPercentage=50");
    // Half of 384Mi for the heap leaves 192Mi for metaspace (at most 128m), code cache and stacks.
    assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("384Mi");
    assertThat(Manifests.read(Chart.DIR.resolve("values.yaml")))
        .contains(String.join(" ", DockerfileTest.jvmOptions()));
  }

  @Test
  void jvmOptionsReplaceTheImagesOrKeepThemWhenEmpty() {
    Container replaced =
        operatorContainer(
            Chart.render("jvmOptions: -XX:MaxRAMPercentage=60\n").single(Deployment.class));
    Container kept = operatorContainer(Chart.render("jvmOptions: \"\"\n").single(Deployment.class));

    assertThat(env(replaced)).containsEntry("JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=60");
    assertThat(env(kept)).doesNotContainKey("JDK_JAVA_OPTIONS");
  }

  @Test
  void workloadIdentityLabelsThePodAndAnnotatesTheServiceAccount() {
    Manifests off = Chart.render();
    assertThat(off.single(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .doesNotContainKey("azure.workload.identity/use");
    assertThat(off.single(ServiceAccount.class).getMetadata().getAnnotations())
        .satisfiesAnyOf(
            a -> assertThat(a).isNull(),
            a -> assertThat(a).doesNotContainKey("azure.workload.identity/client-id"));

    Manifests on =
        Chart.render(
            """
            workloadIdentity:
              enabled: true
              clientId: 6a2c1d3e-0000-4000-8000-00000000c11e
              tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
            serviceAccount:
              annotations:
                example.com/owner: iot
            """);
    assertThat(on.single(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true");
    assertThat(on.single(Deployment.class).getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("azure.workload.identity/use");
    assertThat(on.single(ServiceAccount.class).getMetadata().getAnnotations())
        .containsEntry("azure.workload.identity/client-id", "6a2c1d3e-0000-4000-8000-00000000c11e")
        .containsEntry("azure.workload.identity/tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47")
        .containsEntry("example.com/owner", "iot");
  }

  @Test
  void placementAndPodMetadataArePassedThrough() {
    Deployment deployment =
        Chart.render(
                """
                nodeSelector:
                  kubernetes.io/os: linux
                tolerations:
                  - key: dedicated
                    operator: Equal
                    value: operators
                    effect: NoSchedule
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions:
                            - key: kubernetes.io/arch
                              operator: In
                              values: [amd64]
                podAnnotations:
                  example.com/team: iot
                podLabels:
                  example.com/tier: control
                imagePullSecrets:
                  - name: regcred
                image:
                  tag: 0.2.0
                  pullPolicy: Always
                """)
            .single(Deployment.class);

    var pod = deployment.getSpec().getTemplate();
    assertThat(pod.getSpec().getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getSpec().getTolerations())
        .singleElement()
        .extracting("key")
        .isEqualTo("dedicated");
    assertThat(pod.getSpec().getAffinity().getNodeAffinity()).isNotNull();
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("example.com/team", "iot");
    assertThat(pod.getMetadata().getLabels()).containsEntry("example.com/tier", "control");
    assertThat(pod.getSpec().getImagePullSecrets())
        .singleElement()
        .extracting("name")
        .isEqualTo("regcred");
    Container container = operatorContainer(deployment);
    assertThat(container.getImage()).isEqualTo("ghcr.io/dps-operator/dps-operator:0.2.0");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
  }

  // --- Install conventions: CRDs, RBAC, monitoring, placement, network.

  @Test
  void crdsAreTemplatedFromTheGeneratedFilesAndKeptOnUninstall() {
    Manifests manifests = Chart.render();
    List<HasMetadata> crds = manifests.ofKind("CustomResourceDefinition");
    Manifests committed =
        Manifests.parseFiles(
            KustomizeBaseTest.CRD_FILES.stream().map(KustomizeBaseTest.CRDS::resolve).toList());

    assertThat(crds)
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "individualenrollments.dpsoperator.io",
            "enrollmentgroups.dpsoperator.io",
            "dpsconnections.dpsoperator.io",
            "clusterdpsconnections.dpsoperator.io");
    for (HasMetadata crd : crds) {
      assertThat(crd.getMetadata().getAnnotations())
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(crd.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "dps-operator");
      HasMetadata source =
          committed.ofKind("CustomResourceDefinition").stream()
              .filter(c -> c.getMetadata().getName().equals(crd.getMetadata().getName()))
              .findFirst()
              .orElseThrow();
      // Only metadata is added: the schema is the generated one.
      assertThat(((CustomResourceDefinition) crd).getSpec())
          .isEqualTo(((CustomResourceDefinition) source).getSpec());
    }
  }

  @Test
  void crdsCanBeLeftOutOrLeftWithoutKeep() {
    assertThat(Chart.render("crds:\n  enabled: false\n").ofKind("CustomResourceDefinition"))
        .isEmpty();
    assertThat(Chart.render("crds:\n  keep: false\n").ofKind("CustomResourceDefinition"))
        .hasSize(4)
        .allSatisfy(
            crd ->
                assertThat(crd.getMetadata().getAnnotations())
                    .doesNotContainKey("helm.sh/resource-policy"));
  }

  @Test
  void usersWithViewOrEditGetEveryKind() {
    Manifests manifests = Chart.render();
    List<ClusterRole> forPeople =
        manifests.ofType(ClusterRole.class).stream()
            .filter(r -> !r.getMetadata().getName().equals(Chart.RELEASE))
            .toList();

    assertThat(forPeople)
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder(Chart.RELEASE + "-view", Chart.RELEASE + "-edit");
    // Every kind the chart installs a CRD for, so that a new kind cannot miss its roles.
    Manifests.assertAggregatedToDefaultRoles(
        forPeople, Manifests.namespacedPlurals(manifests.ofKind("CustomResourceDefinition")));
    assertThat(
            manifests.named(ClusterRole.class, Chart.RELEASE + "-edit").getMetadata().getLabels())
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
  }

  @Test
  void aggregatedClusterRolesCanBeOff() {
    assertThat(Chart.render("rbac:\n  aggregateClusterRoles: false\n").ofType(ClusterRole.class))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly(Chart.RELEASE);
  }

  @Test
  void rbacCreateFalseRendersNoRbacAtAll() {
    for (String mode : List.of("", "watchNamespaces: [team-a]\n")) {
      Manifests manifests = Chart.render(mode + "rbac:\n  create: false\n");

      assertThat(manifests.kinds())
          .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
          .contains("Deployment", "ServiceAccount");
    }
  }

  @Test
  void imageDigestReplacesTheTag() {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    Container container =
        operatorContainer(
            Chart.render("image:\n  tag: 9.9.9\n  digest: " + digest + "\n")
                .single(Deployment.class));

    assertThat(container.getImage()).isEqualTo("ghcr.io/dps-operator/dps-operator@" + digest);
  }

  @Test
  void topologySpreadConstraintsSelectTheOperatorPodsUnlessTheySayOtherwise() {
    Deployment deployment =
        Chart.render(
                """
                topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: ScheduleAnyway
                  - maxSkew: 2
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector:
                      matchLabels:
                        example.com/tier: control
                """)
            .single(Deployment.class);

    var constraints = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
    assertThat(constraints).hasSize(2);
    assertThat(constraints.get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(constraints.get(0).getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
    assertThat(constraints.get(0).getLabelSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(constraints.get(1).getMaxSkew()).isEqualTo(2);
    assertThat(constraints.get(1).getLabelSelector().getMatchLabels())
        .containsExactly(Map.entry("example.com/tier", "control"));
    assertThat(
            Chart.render()
                .single(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTopologySpreadConstraints())
        .isNullOrEmpty();
  }

  @Test
  void networkPolicyAdmitsTheHttpPortAndTheListedEgress() {
    assertThat(Chart.render().ofType(NetworkPolicy.class)).isEmpty();
    Manifests manifests =
        Chart.render(
            """
            networkPolicy:
              enabled: true
              metricsFrom:
                - namespaceSelector:
                    matchLabels:
                      kubernetes.io/metadata.name: monitoring
            """);

    NetworkPolicy policy = manifests.single(NetworkPolicy.class);
    Deployment deployment = manifests.single(Deployment.class);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http-metrics"));
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      peer ->
                          assertThat(peer.getNamespaceSelector().getMatchLabels())
                              .containsEntry("kubernetes.io/metadata.name", "monitoring"));
            });
    assertThat(
            policy.getSpec().getEgress().stream()
                .flatMap(rule -> rule.getPorts().stream())
                .map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()))
        .containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "6443/TCP");
    // The container port the policy names exists.
    assertThat(operatorContainer(deployment).getPorts())
        .extracting(p -> p.getName())
        .contains("http-metrics");
  }

  @Test
  void serviceMonitorGoesToItsNamespaceAndIsSkippedWithoutItsCrd() {
    Manifests manifests =
        Chart.render("metrics:\n  serviceMonitor:\n    enabled: true\n    namespace: monitoring\n");
    HasMetadata monitor = manifests.ofKind("ServiceMonitor").get(0);
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo("monitoring");
    Map<String, Object> namespaceSelector =
        ((GenericKubernetesResource) monitor).get("spec", "namespaceSelector");
    assertThat(namespaceSelector).containsEntry("matchNames", List.of(Chart.NAMESPACE));
    assertThat(
            (Boolean)
                ((GenericKubernetesResource) monitor).get("spec", "endpoints", 0, "honorLabels"))
        .isTrue();

    // helm template knows no monitoring.coreos.com API, like a cluster without the CRD.
    assertThat(
            Chart.render(
                    "metrics:\n  serviceMonitor:\n    enabled: true\n    skipWhenCrdAbsent: true\n")
                .ofKind("ServiceMonitor"))
        .isEmpty();
  }

  @Test
  void prometheusRuleShipsTheDocumentedAlerts() throws Exception {
    assertThat(Chart.render().ofKind("PrometheusRule")).isEmpty();
    Manifests manifests =
        Chart.render(
            """
            metrics:
              prometheusRule:
                enabled: true
                labels:
                  release: kube-prometheus-stack
            """);

    GenericKubernetesResource rule =
        (GenericKubernetesResource) manifests.ofKind("PrometheusRule").get(0);
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    Object shipped =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readValue(Chart.DIR.resolve("files/prometheus-alerts.yaml").toFile(), Map.class)
            .get("groups");
    assertThat((Object) rule.get("spec", "groups")).isEqualTo(shipped);
    // docs/metrics.md shows the same file, verbatim.
    assertThat(Manifests.read(Manifests.ROOT.resolve("docs/metrics.md")))
        .contains(Manifests.read(Chart.DIR.resolve("files/prometheus-alerts.yaml")));
    List<Map<String, Object>> rules = rule.get("spec", "groups", 0, "rules");
    assertThat(rules)
        .extracting(r -> r.get("alert"))
        .contains(
            "DpsOperatorResourceNotReady",
            "DpsOperatorDpsThrottled",
            "DpsOperatorCertificateExpiringSoon");
    assertThat(
            Chart.render(
                    "metrics:\n  prometheusRule:\n    enabled: true\n    skipWhenCrdAbsent: true\n")
                .ofKind("PrometheusRule"))
        .isEmpty();
  }

  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of("defaults", ""),
        Arguments.of("namespaced", "watchNamespaces: [team-a, team-b]\n"),
        Arguments.of("no CRDs, no RBAC", "crds:\n  enabled: false\nrbac:\n  create: false\n"),
        Arguments.of(
            "everything on",
            """
            replicaCount: 2
            image:
              digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: ScheduleAnyway
            networkPolicy:
              enabled: true
            podDisruptionBudget:
              enabled: true
            metrics:
              serviceMonitor:
                enabled: true
                namespace: monitoring
              prometheusRule:
                enabled: true
            """));
  }

  /** helm lint --strict with the chart's values.yaml replaced by each mode's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void lintsCleanInEveryMode(String mode, String values, @TempDir Path temp) throws Exception {
    Path chart = Chart.copyWithValues(temp, values);

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  /** Each value that maps to an operator setting, set to something other than its default. */
  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of(
            "dps:\n  connectionSecret:\n    name: my-dps\n",
            "DPS_OPERATOR_CONNECTION_SECRET",
            "my-dps"),
        Arguments.of(
            "dps:\n  connectionSecret:\n    key: cs\n", "DPS_OPERATOR_CONNECTION_SECRET_KEY", "cs"),
        Arguments.of("watchNamespaces: [a]\n", "DPS_OPERATOR_WATCH_NAMESPACES", "a"),
        Arguments.of("resync:\n  interval: 90s\n", "DPS_OPERATOR_RESYNC_INTERVAL", "90s"),
        Arguments.of(
            "resync:\n  groupStatusInterval: 1h\n", "DPS_OPERATOR_GROUP_STATUS_INTERVAL", "1h"),
        Arguments.of(
            "dps:\n  rateLimitPerMinute: 250000\n", "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "250000"),
        Arguments.of("dps:\n  requestTimeout: 1500ms\n", "DPS_OPERATOR_REQUEST_TIMEOUT", "1500ms"),
        Arguments.of("dps:\n  connectTimeout: 750ms\n", "DPS_OPERATOR_CONNECT_TIMEOUT", "750ms"),
        Arguments.of(
            "dps:\n  caBundle:\n    secretName: ca\n",
            "DPS_OPERATOR_CA_BUNDLE_FILE",
            "/etc/dps-operator/ca/ca-bundle.pem"),
        Arguments.of("dps:\n  idScope: 0ne00012345\n", "DPS_OPERATOR_ID_SCOPE", "0ne00012345"),
        Arguments.of(
            "dps:\n  deviceEndpoint: dps.example.com:8443\n",
            "DPS_OPERATOR_DEVICE_ENDPOINT",
            "dps.example.com:8443"),
        Arguments.of("leaderElection:\n  enabled: true\n", "DPS_OPERATOR_LEADER_ELECTION", "true"),
        Arguments.of(
            "leaderElection:\n  leaseName: other\n", "DPS_OPERATOR_LEADER_ELECTION_LEASE", "other"),
        Arguments.of("http:\n  port: 8081\n", "DPS_OPERATOR_HTTP_PORT", "8081"),
        Arguments.of("logging:\n  level: DEBUG\n", "DPS_OPERATOR_LOG_LEVEL", "DEBUG"),
        Arguments.of("logging:\n  format: json\n", "DPS_OPERATOR_LOG_FORMAT", "json"),
        Arguments.of("embeddedDps: true\n", "DPS_OPERATOR_EMBEDDED_DPS", "true"),
        Arguments.of("resync:\n  statusHeartbeat: 2h\n", "DPS_OPERATOR_STATUS_HEARTBEAT", "2h"),
        Arguments.of("resync:\n  queryPageSize: 500\n", "DPS_OPERATOR_QUERY_PAGE_SIZE", "500"),
        Arguments.of(
            "resync:\n  registrationStateInterval: 6h\n",
            "DPS_OPERATOR_REGISTRATION_STATE_INTERVAL",
            "6h"),
        Arguments.of("controllerClass: canary\n", "DPS_OPERATOR_CONTROLLER_CLASS", "canary"),
        Arguments.of(
            "resync:\n  connectionCheckInterval: 30m\n",
            "DPS_OPERATOR_CONNECTION_CHECK_INTERVAL",
            "30m"),
        Arguments.of(
            "certificates:\n  expiryWarning: 14d\n",
            "DPS_OPERATOR_CERTIFICATE_EXPIRY_WARNING",
            "14d"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("settings")
  void everyOperatorSettingFollowsItsValue(String values, String env, String expected) {
    Deployment deployment = Chart.render(values).single(Deployment.class);

    assertThat(env(operatorContainer(deployment))).containsEntry(env, expected);
  }

  @Test
  void everyOperatorSettingHasAValue() {
    List<String> covered = settings().map(a -> (String) a.get()[1]).toList();

    // DPS_OPERATOR_NAMESPACE comes from the downward API, not from a value.
    assertThat(Stream.concat(covered.stream(), Stream.of("DPS_OPERATOR_NAMESPACE")))
        .containsExactlyInAnyOrderElementsOf(OperatorSettings.ENV);
  }

  private static final Pattern CONNECTION_STRING =
      Pattern.compile("(?i)SharedAccessKey\\s*=|HostName\\s*=.*;|AccountKey\\s*=|-----BEGIN");

  @Test
  void noSecretMaterialIsEverRendered() {
    String everything =
        """
        watchNamespaces: [a, b]
        replicaCount: 2
        dps:
          caBundle:
            secretName: ca
          idScope: 0ne00012345
        metrics:
          serviceMonitor:
            enabled: true
          prometheusRule:
            enabled: true
        podDisruptionBudget:
          enabled: true
        networkPolicy:
          enabled: true
        embeddedDps: true
        """;
    for (String values : List.of("", everything)) {
      Manifests manifests = Chart.render(values);
      assertThat(manifests.ofType(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
      for (ConfigMap configMap : manifests.ofType(ConfigMap.class)) {
        assertThat(configMap.getData().values())
            .noneMatch(v -> CONNECTION_STRING.matcher(v).find());
      }
      for (HasMetadata object : manifests.all()) {
        if (object.getKind().equals("CustomResourceDefinition")) {
          continue; // Field descriptions show the formats ("-----BEGIN ..."), never a value.
        }
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(object))
            .doesNotContainPattern(CONNECTION_STRING);
      }
    }
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("replicaCount: 0\n", "replicaCount"),
        Arguments.of("replicaCount: two\n", "replicaCount"),
        Arguments.of("replicaCount: 1.5\n", "replicaCount"),
        Arguments.of("logging:\n  format: xml\n", "logging.format"),
        Arguments.of("logging:\n  level: verbose\n", "logging.level"),
        Arguments.of("http:\n  port: 80\n", "http.port"),
        Arguments.of("http:\n  port: \"8080\"\n", "http.port"),
        Arguments.of("resync:\n  interval: 5 minutes\n", "resync.interval"),
        Arguments.of("resync:\n  groupStatusInterval: 0s\n", "resync.groupStatusInterval"),
        Arguments.of("dps:\n  requestTimeout: 30\n", "dps.requestTimeout"),
        Arguments.of("dps:\n  rateLimitPerMinute: 0\n", "dps.rateLimitPerMinute"),
        Arguments.of("dps:\n  connectionSecret:\n    name: \"\"\n", "dps.connectionSecret.name"),
        Arguments.of(
            "dps:\n  connectionSecret:\n    name: Not_A_Name\n", "dps.connectionSecret.name"),
        Arguments.of(
            "dps:\n  deviceEndpoint: https://global.azure-devices-provisioning.net\n",
            "dps.deviceEndpoint"),
        Arguments.of("watchNamespaces: team-a\n", "watchNamespaces"),
        Arguments.of("watchNamespaces: [Team_A]\n", "watchNamespaces.0"),
        Arguments.of("watchNamespaces: [a, a]\n", "watchNamespaces"),
        Arguments.of("leaderElection:\n  enabled: \"yes\"\n", "leaderElection.enabled"),
        Arguments.of("embeddedDps: \"true\"\n", "embeddedDps"),
        Arguments.of("image:\n  pullPolicy: Sometimes\n", "image.pullPolicy"),
        Arguments.of(
            "metrics:\n  serviceMonitor:\n    interval: often\n",
            "metrics.serviceMonitor.interval"),
        Arguments.of(
            "podDisruptionBudget:\n  minAvailable: lots\n", "podDisruptionBudget.minAvailable"),
        Arguments.of(
            "extraEnv:\n  - name: DPS_OPERATOR_LOG_LEVEL\n    value: DEBUG\n", "extraEnv.0.name"),
        Arguments.of("extraEnv:\n  - name: PORT\n    value: 8080\n", "extraEnv.0.value"),
        Arguments.of("workloadIdentity:\n  enabled: true\n", "workloadIdentity.clientId"),
        Arguments.of(
            "workloadIdentity:\n  enabled: true\n  clientId: my-app\n",
            "workloadIdentity.clientId"),
        Arguments.of("replicas: 2\n", "Additional property replicas"),
        Arguments.of("logging:\n  levle: DEBUG\n", "Additional property levle"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badValues")
  void schemaRejectsBadValues(String values, String offending) {
    assertThatThrownBy(() -> Chart.renderText(values))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(offending);
  }

  @Test
  void schemaAcceptsTheDefaultsAndEveryDocumentedAlternative() {
    Chart.renderText(
        """
        replicaCount: 3
        watchNamespaces: [team-a]
        dps:
          requestTimeout: 1500ms
          idScope: 0ne00012345
          deviceEndpoint: localhost:8443
          caBundle:
            configMapName: corp-ca
        logging:
          level: TRACE
          format: json
        http:
          port: 65535
        podDisruptionBudget:
          enabled: true
          minAvailable: 50%
        metrics:
          serviceMonitor:
            enabled: true
            scrapeTimeout: 10s
        """);
  }

  private static Volume caVolume(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("ca-bundle"))
        .findFirst()
        .orElseThrow();
  }

  private static void assertCaBundleFileIsMounted(
      Deployment deployment, Volume volume, String path) {
    Container container = operatorContainer(deployment);
    var mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(volume.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(env(container))
        .containsEntry("DPS_OPERATOR_CA_BUNDLE_FILE", mount.getMountPath() + "/" + path);
  }

  private static <T extends HasMetadata> T inNamespace(List<T> objects, String namespace) {
    return objects.stream()
        .filter(o -> namespace.equals(o.getMetadata().getNamespace()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("Nothing in namespace " + namespace));
  }
}
