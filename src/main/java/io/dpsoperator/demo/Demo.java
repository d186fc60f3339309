package io.dpsoperator.demo;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.operator.DpsOperator;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole product in one process: the DPS emulator, an embedded Kubernetes API with the CRDs, the
 * operator wired as {@code run} wires it, the samples applied, and simulated devices registering.
 * Ends with a summary; the exit status says whether everything worked.
 */
public final class Demo implements AutoCloseable {
  static final String OPERATOR_NAMESPACE = "dps-operator";
  static final String FALLBACK_HUB = "demo-hub.azure-devices.net";

  /**
   * What the demo is asked to do.
   *
   * @param samples a directory of sample manifests, or null for the samples built into the jar
   *     (deploy/samples of the build), so that the demo runs from any directory
   */
  public record Options(
      Path samples, boolean keepRunning, Duration timeout, boolean liveTable, PrintStream out) {}

  private final Options options;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final CertManagerStandIn certificates = new CertManagerStandIn();
  private final StatusTable table;
  private DpsEmulator emulator;
  private DemoWorkloadIdentity workloadIdentity;
  private EmbeddedKubernetes kubernetes;
  private KubernetesClient kube;

  public Demo(Options options) {
    this.options = options;
    this.table = new StatusTable(options.out(), options.liveTable());
  }

  /** Runs the demo; returns the process exit status. */
  public int run() throws Exception {
    PrintStream out = options.out();
    Instant deadline = Instant.now().plus(options.timeout());
    out.println(
        "dps-operator demo: emulator + embedded Kubernetes API + operator + simulated devices");

    kubernetes = EmbeddedKubernetes.start();
    closeables.add(kubernetes);
    kube = kubernetes.client();
    Samples samples =
        options.samples() == null
            ? Samples.builtIn(kube.getKubernetesSerialization())
            : Samples.load(options.samples(), kube.getKubernetesSerialization());
    out.printf(
        "Loaded %d objects from %s%n",
        samples.objects().size(),
        options.samples() == null ? "the built-in samples" : options.samples());

    emulator = startEmulator(samples);
    closeables.add(0, emulator);
    out.printf(
        "Started DPS emulator at %s (ID scope %s, hubs %s)%n",
        emulator.hostName(), emulator.idScope(), emulator.linkedHubs());

    apply(samples);
    DpsOperator operator = startOperator();
    closeables.add(0, operator);
    out.println("Started the operator; waiting for every sample to become Ready");

    boolean ready = awaitReady(deadline);
    List<SimulatedDevices.DeviceRun> devices =
        ready
            ? new SimulatedDevices(emulator, kube, certificates, options.out(), table).play()
            : List.of();
    boolean shown = ready && awaitDeviceStatus(devices, deadline);
    table.render(rows());
    return summarize(ready, shown, devices);
  }

  private DpsEmulator startEmulator(Samples samples) {
    Set<String> hubs = new LinkedHashSet<>();
    for (String kind : List.of("IndividualEnrollment", "EnrollmentGroup")) {
      for (GenericKubernetesResource r : samples.ofKind(kind)) {
        Samples.path(r, "spec.iotHubs")
            .filter(List.class::isInstance)
            .ifPresent(list -> ((List<?>) list).forEach(h -> hubs.add(String.valueOf(h))));
      }
    }
    if (hubs.isEmpty()) {
      hubs.add(FALLBACK_HUB);
    }
    DpsEmulator.Builder builder = DpsEmulator.builder().port(0).bindAddress("127.0.0.1");
    hubs.forEach(h -> builder.linkedHub(h, 1));
    // caReferences name CA certificates verified on the DPS instance: the demo makes them.
    for (GenericKubernetesResource g : samples.ofKind("EnrollmentGroup")) {
      for (String role : List.of("primary", "secondary")) {
        Samples.string(g, "spec.attestation.x509.caReferences." + role)
            .ifPresent(
                name -> builder.verifiedCa(name, certificates.verifiedCa(name).certificatePem()));
      }
    }
    // A ClusterDpsConnection with workload identity: the emulator is also the Entra ID tenant,
    // and the demo plays the cluster's token issuer and the webhook's token file.
    if (!samples.ofKind("ClusterDpsConnection").isEmpty()) {
      try {
        Path tokens = Files.createTempDirectory("dps-operator-demo-wi");
        tokens.toFile().deleteOnExit();
        workloadIdentity = new DemoWorkloadIdentity(OPERATOR_NAMESPACE, "dps-operator", tokens);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Could not make the demo's token directory", e);
      }
      workloadIdentity.configure(builder);
      workloadIdentity.writeToken(Instant.now(), Duration.ofHours(24)).toFile().deleteOnExit();
    }
    DpsEmulator started = builder.build();
    started.start();
    return started;
  }

  /**
   * Applies the samples; cert-manager objects are played by the demo, which makes their Secrets.
   */
  private void apply(Samples samples) {
    kubernetes.ensureNamespace(OPERATOR_NAMESPACE);
    for (GenericKubernetesResource o : samples.objects()) {
      kubernetes.ensureNamespace(Samples.namespaceOf(o));
    }
    var ser = kube.getKubernetesSerialization();
    for (GenericKubernetesResource o : samples.objects()) {
      String ns = Samples.namespaceOf(o);
      switch (o.getKind()) {
        case "Secret" -> {
          Secret secret = ser.convertValue(o, Secret.class);
          // Connection strings of the samples (the operator-wide one, a DpsConnection's) point
          // at the emulator.
          if (secret.getStringData() != null
              && String.valueOf(secret.getStringData().get("connectionString"))
                  .startsWith("HostName=")) {
            secret.setStringData(Map.of("connectionString", emulator.serviceConnectionString()));
            secret.setData(null);
          }
          kube.secrets().inNamespace(ns).resource(secret).create();
        }
        case "ConfigMap" ->
            kube.configMaps()
                .inNamespace(ns)
                .resource(ser.convertValue(o, io.fabric8.kubernetes.api.model.ConfigMap.class))
                .create();
        case "Certificate" -> {
          kube.secrets().inNamespace(ns).resource(certificates.issue(o, samples)).create();
          options
              .out()
              .printf(
                  "Issued certificate %s/%s as cert-manager would%n",
                  ns, o.getMetadata().getName());
        }
        case "Issuer", "ClusterIssuer" -> {
          /* played through the Certificates they issue */
        }
        case "IndividualEnrollment" ->
            kube.resources(IndividualEnrollment.class)
                .inNamespace(ns)
                .resource(ser.convertValue(o, IndividualEnrollment.class))
                .create();
        case "EnrollmentGroup" ->
            kube.resources(EnrollmentGroup.class)
                .inNamespace(ns)
                .resource(ser.convertValue(o, EnrollmentGroup.class))
                .create();
        case "DpsConnection" -> {
          // A SAS connection to the emulator in place of the sample's DPS.
          DpsConnection connection = ser.convertValue(o, DpsConnection.class);
          if (connection.getSpec().getAuth().getSasSecretRef() != null) {
            connection.getSpec().setHost(emulator.hostName());
            connection.getSpec().setIdScope(emulator.idScope());
            connection.getSpec().setDeviceEndpoint(emulator.deviceEndpoint());
            kube.resources(DpsConnection.class).inNamespace(ns).resource(connection).create();
          }
        }
        case "ClusterDpsConnection" -> {
          // The emulator in place of the sample's DPS, the demo's app in place of its identity;
          // the namespaces of its users get the labels its selector asks for.
          ClusterDpsConnection connection = ser.convertValue(o, ClusterDpsConnection.class);
          if (connection.getSpec().getAuth().getWorkloadIdentity() != null) {
            connection.getSpec().setHost(emulator.hostName());
            connection.getSpec().setIdScope(emulator.idScope());
            connection.getSpec().setDeviceEndpoint(emulator.deviceEndpoint());
            connection
                .getSpec()
                .getAuth()
                .getWorkloadIdentity()
                .setClientId(DemoWorkloadIdentity.CLIENT_ID);
            connection
                .getSpec()
                .getAuth()
                .getWorkloadIdentity()
                .setTenantId(DemoWorkloadIdentity.TENANT);
            kube.resources(ClusterDpsConnection.class).resource(connection).create();
            labelUsers(samples, connection);
            options
                .out()
                .printf(
                    "Connected ClusterDpsConnection %s with workload identity (the emulator is the"
                        + " Entra ID tenant)%n",
                    connection.getMetadata().getName());
          }
        }
        default ->
            options
                .out()
                .printf(
                    "Skipped %s %s (not used by the demo)%n",
                    o.getKind(), o.getMetadata().getName());
      }
    }
  }

  /** Labels the namespaces of a cluster connection's users as its namespace selector asks. */
  private void labelUsers(Samples samples, ClusterDpsConnection connection) {
    var selector = connection.getSpec().getNamespaceSelector();
    Map<String, String> labels =
        selector == null || selector.getMatchLabels() == null
            ? Map.of()
            : selector.getMatchLabels();
    for (String kind : List.of("IndividualEnrollment", "EnrollmentGroup")) {
      for (GenericKubernetesResource r : samples.ofKind(kind)) {
        boolean user =
            Samples.string(r, "spec.connectionRef.kind")
                    .filter("ClusterDpsConnection"::equals)
                    .isPresent()
                && Samples.string(r, "spec.connectionRef.name")
                    .filter(connection.getMetadata().getName()::equals)
                    .isPresent();
        if (user && !labels.isEmpty()) {
          kube.namespaces()
              .withName(Samples.namespaceOf(r))
              .edit(
                  n -> {
                    Map<String, String> merged =
                        new LinkedHashMap<>(
                            n.getMetadata().getLabels() == null
                                ? Map.of()
                                : n.getMetadata().getLabels());
                    merged.putAll(labels);
                    n.getMetadata().setLabels(merged);
                    return n;
                  });
        }
      }
    }
  }

  private DpsOperator startOperator() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DPS_OPERATOR_NAMESPACE", OPERATOR_NAMESPACE);
    env.put("DPS_OPERATOR_RESYNC_INTERVAL", "10s");
    env.put("DPS_OPERATOR_GROUP_STATUS_INTERVAL", "2s");
    env.put("DPS_OPERATOR_REGISTRATION_STATE_INTERVAL", "2s");
    env.put("DPS_OPERATOR_ID_SCOPE", emulator.idScope());
    env.put("DPS_OPERATOR_DEVICE_ENDPOINT", emulator.deviceEndpoint());
    if (workloadIdentity != null) {
      // What the Azure workload identity webhook injects into the operator's pod.
      env.putAll(workloadIdentity.environment(emulator));
    }
    return DpsOperator.start(
        OperatorConfig.fromEnv(env),
        new DpsOperator.Wiring(
            kube,
            new SimpleMeterRegistry(),
            Optional.empty(),
            Optional.of(emulator.caCertificatePem()),
            false,
            false,
            Clock.systemUTC()));
  }

  private boolean awaitReady(Instant deadline) throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      List<StatusTable.Row> rows = rows();
      table.render(rows);
      if (!rows.isEmpty() && rows.stream().allMatch(r -> "True".equals(r.ready()))) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private boolean awaitDeviceStatus(List<SimulatedDevices.DeviceRun> devices, Instant deadline)
      throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      List<StatusTable.Row> rows = rows();
      table.render(rows);
      if (statusShowsDevices(rows, devices)) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  /** Every assigned device shows in its resource's status: the hub, or the group's count. */
  private boolean statusShowsDevices(
      List<StatusTable.Row> rows, List<SimulatedDevices.DeviceRun> devices) {
    for (SimulatedDevices.DeviceRun d : devices) {
      if (!d.assigned()) {
        continue;
      }
      if (d.kind().equals("IndividualEnrollment")) {
        boolean shown =
            rows.stream()
                .anyMatch(
                    r ->
                        r.kind().equals("IndividualEnrollment")
                            && d.registrationId().equalsIgnoreCase(r.id())
                            && d.hub().equals(r.assignedHub()));
        if (!shown) {
          return false;
        }
      }
    }
    for (StatusTable.Row r : rows) {
      if (r.kind().equals("EnrollmentGroup")) {
        long expected =
            devices.stream()
                .filter(SimulatedDevices.DeviceRun::assigned)
                .filter(d -> d.kind().equals("EnrollmentGroup " + r.id()))
                .count();
        if (expected > 0 && (r.devices() == null || r.devices() < expected)) {
          return false;
        }
      }
    }
    return true;
  }

  List<StatusTable.Row> rows() {
    List<StatusTable.Row> rows = new ArrayList<>();
    for (IndividualEnrollment e :
        kube.resources(IndividualEnrollment.class).inAnyNamespace().list().getItems()) {
      var s = e.getStatus();
      var state = s == null ? null : s.getRegistrationState();
      rows.add(
          new StatusTable.Row(
              "IndividualEnrollment",
              e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(),
              e.registrationId(),
              e.getSpec().getAttestation().getType().wire(),
              readiness(e),
              reason(e),
              state == null ? null : state.getStatus(),
              state == null ? null : state.getAssignedHub(),
              null));
    }
    for (EnrollmentGroup g :
        kube.resources(EnrollmentGroup.class).inAnyNamespace().list().getItems()) {
      var s = g.getStatus();
      rows.add(
          new StatusTable.Row(
              "EnrollmentGroup",
              g.getMetadata().getNamespace() + "/" + g.getMetadata().getName(),
              g.enrollmentGroupId(),
              g.getSpec().getAttestation().getType().wire(),
              readiness(g),
              reason(g),
              null,
              null,
              s == null || s.getDevices() == null ? null : s.getDevices().getTotal()));
    }
    rows.sort(
        java.util.Comparator.comparing(StatusTable.Row::kind)
            .reversed()
            .thenComparing(StatusTable.Row::name));
    return rows;
  }

  private static String readiness(HasMetadata r) {
    var status =
        r instanceof IndividualEnrollment e ? e.getStatus() : ((EnrollmentGroup) r).getStatus();
    return Conditions.ready(status).map(c -> c.getStatus()).orElse("Unknown");
  }

  private static String reason(HasMetadata r) {
    var status =
        r instanceof IndividualEnrollment e ? e.getStatus() : ((EnrollmentGroup) r).getStatus();
    return Conditions.ready(status).map(c -> c.getReason() + ": " + c.getMessage()).orElse("");
  }

  private int summarize(boolean ready, boolean shown, List<SimulatedDevices.DeviceRun> devices)
      throws Exception {
    PrintStream out = options.out();
    table.detach();
    List<StatusTable.Row> rows = rows();
    long readyCount = rows.stream().filter(r -> "True".equals(r.ready())).count();
    long assigned = devices.stream().filter(SimulatedDevices.DeviceRun::assigned).count();
    out.println();
    out.println("Summary");
    out.printf("  resources Ready:  %d/%d%n", readyCount, rows.size());
    out.printf("  devices assigned: %d/%d%n", assigned, devices.size());
    boolean ok = ready && shown && !devices.isEmpty() && assigned == devices.size();
    if (!ok) {
      rows.stream()
          .filter(r -> !"True".equals(r.ready()))
          .forEach(r -> out.printf("  not Ready: %s %s (%s)%n", r.kind(), r.name(), r.reason()));
      devices.stream()
          .filter(d -> !d.assigned())
          .forEach(
              d ->
                  out.printf(
                      "  not assigned: %s (%s): %s%n", d.registrationId(), d.status(), d.error()));
      if (ready && !shown) {
        out.println("  the statuses did not show every assigned device in time");
      }
      out.println("RESULT: FAILED");
    } else {
      out.println("RESULT: OK, every sample is Ready and every simulated device was assigned");
    }
    if (options.keepRunning()) {
      keepRunning();
    }
    return ok ? 0 : 1;
  }

  private void keepRunning() throws Exception {
    PrintStream out = options.out();
    Path kubeconfig =
        kubernetes.writeKubeconfig(Files.createTempFile("dps-demo-kubeconfig", ".yaml"));
    out.println();
    out.println("Everything keeps running (Ctrl-C to stop):");
    out.println("  DPS service connection string: " + emulator.serviceConnectionString());
    out.println(
        "  DPS device endpoint:           "
            + emulator.deviceEndpoint()
            + " (ID scope "
            + emulator.idScope()
            + ")");
    out.println("  emulator CA certificate:       " + emulator.caCertificateFile());
    out.println("  Kubernetes API (embedded):     " + kubernetes.url());
    out.println("  kubectl --kubeconfig " + kubeconfig + " get dps -A");
    out.println(
        "    (fabric8's mock API server: kubectl get works, with -o yaml or jsonpath; printer"
            + " columns need a real API server)");
    Object lock = new Object();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (lock) {
                    lock.notifyAll();
                  }
                }));
    synchronized (lock) {
      lock.wait();
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // Best effort at shutdown.
      }
    }
  }
}
