package io.dpsoperator.operator;

import io.dpsoperator.operator.reconciler.ClusterDpsConnectionReconciler;
import io.dpsoperator.operator.reconciler.DpsConnectionReconciler;
import io.dpsoperator.operator.reconciler.EnrollmentGroupReconciler;
import io.dpsoperator.operator.reconciler.IndividualEnrollmentReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator, wired: the enrollment and connection controllers on one JOSDK {@link Operator}, DPS
 * clients from {@link DpsClientFactory} (one rate limiter and circuit breaker per DPS), Events, and
 * the health and metrics endpoint. {@code run}, the demo and the tests start it the same way.
 */
public final class DpsOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DpsOperator.class);

  /** Reconcile threads, shared by both controllers. */
  static final int RECONCILE_THREADS = 30;

  private final Operator operator;
  private final DpsConnections connections;
  private final HttpEndpoints endpoints;

  private DpsOperator(Operator operator, DpsConnections connections, HttpEndpoints endpoints) {
    this.operator = operator;
    this.connections = connections;
    this.endpoints = endpoints;
  }

  /**
   * What the operator needs besides its configuration.
   *
   * @param exitOnLostLeadership end the process when leadership is lost, so that Kubernetes
   *     restarts a replica that may no longer act (production); tests and the demo keep running
   */
  public record Wiring(
      KubernetesClient kubernetes,
      MeterRegistry meters,
      Optional<String> defaultConnectionString,
      Optional<String> extraCaPem,
      boolean exitOnLostLeadership,
      boolean startHttpEndpoints,
      Clock clock) {

    /** Production wiring: connection strings come from Secrets; the HTTP endpoint runs. */
    public static Wiring of(KubernetesClient kubernetes, MeterRegistry meters) {
      return new Wiring(
          kubernetes, meters, Optional.empty(), Optional.empty(), true, true, Clock.systemUTC());
    }

    public Wiring withDefaultConnectionString(String connectionString) {
      return new Wiring(
          kubernetes,
          meters,
          Optional.of(connectionString),
          extraCaPem,
          exitOnLostLeadership,
          startHttpEndpoints,
          clock);
    }

    public Wiring withExtraCaPem(String pem) {
      return new Wiring(
          kubernetes,
          meters,
          defaultConnectionString,
          Optional.of(pem),
          exitOnLostLeadership,
          startHttpEndpoints,
          clock);
    }
  }

  /** Starts the operator; returns once the controllers are running (or waiting for leadership). */
  public static DpsOperator start(OperatorConfig config, Wiring wiring) {
    DpsClientFactory factory =
        new DpsClientFactory(config, wiring.extraCaPem(), wiring.meters(), RECONCILE_THREADS);
    DpsConnections connections =
        new DpsConnections(config, factory, wiring.defaultConnectionString());
    EventRecorder events =
        new EventRecorder(wiring.kubernetes(), wiring.clock(), config.controllerClass());

    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(wiring.kubernetes())
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  // Per-resource meters would grow with the number of enrollments: aggregate only.
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(wiring.meters()))
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaderElectionLease(),
                        config.namespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        null,
                        null,
                        wiring.exitOnLostLeadership()));
              }
            });
    operator.register(
        new IndividualEnrollmentReconciler(
            config, connections, events, wiring.meters(), wiring.clock()),
        o -> configure(o, config));
    operator.register(
        new EnrollmentGroupReconciler(config, connections, events, wiring.meters(), wiring.clock()),
        o -> configure(o, config));
    operator.register(
        new DpsConnectionReconciler(config, connections, events, wiring.clock()),
        o -> configure(o, config));
    // Cluster-scoped, and their namespace selectors read namespace labels: only an operator that
    // watches all namespaces has the cluster-wide rights (the chart grants them in that mode).
    if (config.watchesAllNamespaces()) {
      operator.register(
          new ClusterDpsConnectionReconciler(config, connections, events, wiring.clock()),
          o -> configure(o, config));
    }
    HttpEndpoints endpoints = null;
    if (wiring.startHttpEndpoints()) {
      endpoints = HttpEndpoints.start(config.httpPort(), operator, wiring.meters());
    }
    operator.start();
    LOG.atInfo()
        .addKeyValue(
            "namespaces",
            config.watchesAllNamespaces() ? "all" : String.join(",", config.watchNamespaces()))
        .addKeyValue("leaderElection", config.leaderElection())
        .log("Started dps-operator");
    return new DpsOperator(operator, connections, endpoints);
  }

  private static <P extends io.fabric8.kubernetes.api.model.HasMetadata> void configure(
      ControllerConfigurationOverrider<P> o, OperatorConfig config) {
    if (config.watchesAllNamespaces()) {
      o.watchingAllNamespaces();
    } else {
      o.settingNamespaces(config.watchNamespaces());
    }
    // Only this instance's resources reach the informer, so two installs never touch each other's.
    o.withLabelSelector(ControllerClass.selector(config.controllerClass()));
    // Annotation changes (pause, force-sync) do not bump the generation: let them through, and
    // nothing else that leaves the spec as it was (such as our own status writes).
    o.withGenerationAware(false);
    o.withOnUpdateFilter(ControllerClass::relevantUpdate);
    // Retryable failures back off exponentially without a limit, capped at the resync interval.
    o.withRetry(
        new GenericRetry()
            .setInitialInterval(1000)
            .setIntervalMultiplier(2)
            .setMaxInterval(Math.max(2000, config.resyncInterval().toMillis()))
            .withoutMaxAttempts());
  }

  @Override
  public void close() {
    LOG.info("Stopping dps-operator");
    operator.stop();
    if (endpoints != null) {
      endpoints.close();
    }
    connections.close();
  }
}
