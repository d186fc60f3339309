package io.dpsoperator.bench;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.ServiceRequestCounts;
import io.dpsoperator.operator.Fixtures;
import io.dpsoperator.operator.MockKubernetes;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.packaging.ImageJvm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator's own memory at fleet size: the operator runs in a process of its own with the
 * image's JVM flags (heap capped as in a 384 MiB pod), against the mock Kubernetes API and the
 * emulator in this JVM, so that its RSS is the pod's and not the test's. Run with {@code mvn -B
 * -Pbench test -Dtest=OperatorProcessBenchmark -Dbench.fleet=10000 -Dbench.secrets=10000}.
 */
@Tag("bench")
class OperatorProcessBenchmark {
  private static final int FLEET = Integer.getInteger("bench.fleet", 10_000);
  private static final int UNRELATED = Integer.getInteger("bench.secrets", 10_000);
  private static final String NS = "fleet";
  private static final String POD_MEMORY = System.getProperty("bench.podMemory", "384m");

  /** {@code -Dbench.nmt=true} prints the JVM's native memory summary: where the RSS goes. */
  private static final boolean NMT = Boolean.getBoolean("bench.nmt");

  /** {@code -Dbench.histogram=N} prints the N largest classes of the live heap after the GC. */
  private static final int HISTOGRAM = Integer.getInteger("bench.histogram", 0);

  /** The operator's resync interval, which is also its inventory's sweep interval. */
  private static final String RESYNC = System.getProperty("bench.resync", "30s");

  private static final int TIMEOUT_MINUTES = Integer.getInteger("bench.timeoutMinutes", 90);

  /** The image's JVM options (the Dockerfile's), or {@code -Dbench.jvm="..."} to try others. */
  private static final List<String> JVM =
      System.getProperty("bench.jvm") == null
          ? ImageJvm.options()
          : List.of(System.getProperty("bench.jvm").trim().split("\\s+"));

  @Test
  void operatorMemoryAtFleetSize() throws Exception {
    KubernetesMockServer server = MockKubernetes.crud();
    DpsEmulator emulator =
        DpsEmulator.builder().port(0).linkedHub("hub-a.azure-devices.net", 1).build();
    emulator.start();
    Process operator = null;
    try (KubernetesClient kube = server.createClient()) {
      MockKubernetes.installCrds(kube);
      for (String ns : List.of("dps-operator", NS)) {
        kube.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      kube.secrets()
          .inNamespace("dps-operator")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("dps-connection")
                  .endMetadata()
                  .addToStringData("connectionString", emulator.serviceConnectionString())
                  .build())
          .create();
      long start = System.nanoTime();
      parallel(
          UNRELATED,
          i ->
              Idempotent.create(
                  () ->
                      kube.secrets()
                          .inNamespace(NS)
                          .resource(
                              new SecretBuilder()
                                  .withNewMetadata()
                                  .withName("unrelated-" + i)
                                  .endMetadata()
                                  .addToStringData("data", "x".repeat(256))
                                  .build())
                          .create()));
      System.out.printf(
          "BENCH process: %d unrelated Secrets created in %.1f s%n",
          UNRELATED, (System.nanoTime() - start) / 1e9);

      operator = startOperator(server, emulator);
      start = System.nanoTime();
      parallel(
          FLEET,
          i ->
              Idempotent.create(
                  () ->
                      kube.resource(enrollment(NS, "dev-" + i, Fixtures.generatedKeys()))
                          .create()));
      double created = (System.nanoTime() - start) / 1e9;
      await()
          .atMost(Duration.ofMinutes(TIMEOUT_MINUTES))
          .pollInterval(Duration.ofSeconds(15))
          // Listing 10,000 resources from the mock API server, which shares the cores with the
          // operator it serves, can outlast a request timeout: that is a slow poll, not a result.
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(() -> ready(kube) == FLEET);
      double all = (System.nanoTime() - start) / 1e9;
      // Steady state: the inventory keeps a snapshot of each claimed record only once a sweep has
      // seen it, so wait for one complete sweep after all are Ready (and its status writes).
      long queries = emulator.serviceRequests().get(ServiceRequestCounts.Kind.QUERY);
      long sweep = (FLEET + 99) / 100;
      long settleStart = System.nanoTime();
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofSeconds(5))
          .until(
              () ->
                  emulator.serviceRequests().get(ServiceRequestCounts.Kind.QUERY)
                      >= queries + 2 * sweep);
      System.out.printf(
          "BENCH process: two inventory sweeps after Ready in %.1f s%n",
          (System.nanoTime() - settleStart) / 1e9);
      long pid = operator.pid();
      run("jcmd", String.valueOf(pid), "GC.run");
      String heap = run("jcmd", String.valueOf(pid), "GC.heap_info");
      String status = Files.readString(Path.of("/proc/" + pid + "/status"));
      if (HISTOGRAM > 0) {
        // The threads by name (digits folded): each costs its touched stack.
        System.out.println(
            "BENCH process threads: "
                + run("jcmd", String.valueOf(pid), "Thread.print")
                    .lines()
                    .filter(l -> l.startsWith("\""))
                    .map(l -> l.substring(1, l.indexOf('"', 1)).replaceAll("\\d+", "N"))
                    .collect(
                        java.util.stream.Collectors.groupingBy(
                            n -> n,
                            java.util.TreeMap::new,
                            java.util.stream.Collectors.counting())));
        System.out.println(
            "BENCH process live heap by class:\n"
                + run("jcmd", String.valueOf(pid), "GC.class_histogram")
                    .lines()
                    .limit(HISTOGRAM + 3L)
                    .collect(java.util.stream.Collectors.joining("\n")));
      }
      if (NMT) {
        System.out.println(
            "BENCH process native memory:\n"
                + run("jcmd", String.valueOf(pid), "VM.native_memory", "summary"));
      }
      System.out.printf(
          "BENCH process: %d enrollments (generated keys) Ready in %.1f s (creating them took"
              + " %.1f s) with %d unrelated Secrets; operator RSS %s, peak %s%n",
          FLEET, all, created, UNRELATED, field(status, "VmRSS"), field(status, "VmHWM"));
      System.out.printf(
          "BENCH process: RSS anonymous %s, file-backed %s (the test's class path, mapped; the image"
              + " maps one jar)%n",
          field(status, "RssAnon"), field(status, "RssFile"));
      System.out.println("BENCH process heap after GC: " + heap.replaceAll("\\s+", " ").trim());
      System.out.printf(
          "BENCH process: DPS calls %s (%.3f per enrollment)%n",
          emulator.serviceRequests().snapshot(),
          emulator.serviceRequests().operations() / (double) FLEET);
      assertThat(ready(kube)).isEqualTo(FLEET);
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor();
      }
      emulator.close();
      server.destroy();
    }
  }

  private static Process startOperator(KubernetesMockServer server, DpsEmulator emulator)
      throws IOException {
    Path kubeconfig = Files.createTempFile("bench-kubeconfig", ".yaml");
    String url = server.url("/").replaceAll("/$", "");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: mock
        current-context: mock
        users:
        - name: mock
          user:
            token: mock
        """
            .formatted(url));
    Path log = Files.createTempFile("bench-operator", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM);
    if (NMT) {
      command.add("-XX:NativeMemoryTracking=summary");
    }
    // The container's memory limit, which the image's MaxRAMPercentage is a share of.
    command.add("-XX:MaxRAM=" + POD_MEMORY);
    // The image's logging (logback.xml), not the tests' DEBUG configuration on this classpath.
    command.add(
        "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath());
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), "io.dpsoperator.cli.Main", "run"));
    ProcessBuilder pb = new ProcessBuilder(command);
    ImageJvm.env()
        .forEach(
            (k, v) -> {
              if (!k.equals("JDK_JAVA_OPTIONS")) {
                pb.environment().put(k, v);
              }
            });
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("DPS_OPERATOR_NAMESPACE", "dps-operator");
    pb.environment().put("DPS_OPERATOR_CA_BUNDLE_FILE", emulator.caCertificateFile().toString());
    pb.environment().put("DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "1000000");
    pb.environment().put("DPS_OPERATOR_HTTP_PORT", String.valueOf(freePort()));
    pb.environment().put("DPS_OPERATOR_LOG_LEVEL", "WARN");
    // The inventory sweeps on the resync interval: a short one reaches the steady state sooner.
    pb.environment().put("DPS_OPERATOR_RESYNC_INTERVAL", RESYNC);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    System.out.println("BENCH process: operator log " + log);
    System.out.println(
        "BENCH process: JVM " + String.join(" ", command.subList(1, command.indexOf("-cp"))));
    return pb.start();
  }

  private static long ready(KubernetesClient kube) {
    return kube.resources(IndividualEnrollment.class).inNamespace(NS).list().getItems().stream()
        .filter(
            r ->
                Conditions.ready(r.getStatus())
                    .filter(c -> "True".equals(c.getStatus()))
                    .isPresent())
        .count();
  }

  private interface Job {
    void run(int i);
  }

  private static void parallel(int n, Job job) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        all.add(pool.submit(() -> job.run(k)));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private static String field(String status, String name) {
    return status
        .lines()
        .filter(l -> l.startsWith(name + ":"))
        .map(l -> l.substring(name.length() + 1).trim())
        .findFirst()
        .orElse("?");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
