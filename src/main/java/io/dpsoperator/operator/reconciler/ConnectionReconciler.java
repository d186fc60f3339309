package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.DpsConnectionSpec;
import io.dpsoperator.api.v1alpha1.DpsConnectionStatus;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.connections.ConnectionChecks;
import io.dpsoperator.operator.connections.ConnectionCredentials;
import io.dpsoperator.operator.connections.ConnectionKey;
import io.dpsoperator.operator.connections.ConnectionState;
import io.dpsoperator.operator.connections.Triggers;
import io.dpsoperator.operator.secrets.ReferencedObjects;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop of both connection kinds: make the credential, check it with one cheap query
 * of DPS (again after the check interval, and at once when the credential or spec changes), tell
 * the resources that use the connection, and report Ready and the number of users. A connection in
 * use is kept (finalizer) until no resource names it.
 *
 * @param <P> DpsConnection or ClusterDpsConnection
 */
public abstract class ConnectionReconciler<
        P extends CustomResource<? extends DpsConnectionSpec, DpsConnectionStatus>>
    implements Reconciler<P>, Cleaner<P> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionReconciler.class);

  /** How soon a connection is checked again after a failure that may pass (unreachable, 429). */
  static final Duration RETRY_CHECK = Duration.ofSeconds(30);

  /** How often a connection that is still in use is looked at again while it is being deleted. */
  static final Duration IN_USE_RECHECK = Duration.ofSeconds(10);

  private static final int USERS_NAMED = 3;

  protected final OperatorConfig config;
  private final DpsConnections connections;
  private final EventRecorder events;
  private final Clock clock;
  private final ConnectionChecks checks;
  private volatile ReferencedObjects<P> referenced;
  private final Triggers<P> userChanges;

  protected ConnectionReconciler(
      OperatorConfig config, DpsConnections connections, EventRecorder events, Clock clock) {
    this.config = config;
    this.connections = connections;
    this.events = events;
    this.clock = clock;
    this.checks = new ConnectionChecks(config.connectionCheckInterval());
    this.userChanges = new Triggers<>(kindName().toLowerCase(Locale.ROOT) + "-users");
    connections.registry().onUsersChange(k -> fireIfMine(k));
  }

  /** The kind's name, for messages. */
  protected abstract String kindName();

  protected abstract ConnectionKey key(P connection);

  /** The namespace the connection's Secret lives in. */
  protected abstract String secretNamespace(P connection);

  /** Which namespaces may use the connection. */
  protected abstract LabelSelector namespaceSelector(P connection);

  /** The resources that name this connection, as the API server lists them. */
  protected abstract Stream<HasMetadata> listUsers(KubernetesClient client, P connection);

  private void fireIfMine(ConnectionKey key) {
    if (key.kind().wire().equals(kindName())) {
      userChanges.fire(List.of(key.resourceId()));
    }
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    referenced =
        new ReferencedObjects<>(
            context.getClient(),
            kindName().toLowerCase(Locale.ROOT) + "-secrets",
            config.watchNamespaces());
    return List.of(referenced, userChanges);
  }

  @Override
  public UpdateControl<P> reconcile(P connection, Context<P> context) {
    ConnectionKey key = key(connection);
    DpsConnectionSpec spec = connection.getSpec();
    DpsConnectionStatus before = connection.getStatus();
    DpsConnectionStatus status = copy(before, context);
    Long generation = connection.getMetadata().getGeneration();
    Instant now = clock.instant();
    Duration next = config.connectionCheckInterval();
    if (spec != null && spec.getAuth() != null) {
      status.setAuthType(
          spec.getAuth().getSasSecretRef() != null
              ? ConnectionCredentials.SHARED_ACCESS_KEY
              : ConnectionCredentials.WORKLOAD_IDENTITY);
    }
    Optional<SyncFailure> failure = refresh(connection, key, now);
    if (failure.isPresent() && failure.get().isRetryable()) {
      next = RETRY_CHECK.compareTo(next) < 0 ? RETRY_CHECK : next;
    }
    boolean changed;
    if (failure.isPresent()) {
      changed =
          Conditions.setReady(
              status, false, failure.get().reason(), failure.get().getMessage(), generation, now);
      if (changed) {
        LOG.atInfo()
            .addKeyValue("connection", String.valueOf(key))
            .addKeyValue("reason", failure.get().reason())
            .addKeyValue("message", failure.get().getMessage())
            .log("Connection check failed");
        events.warning(connection, failure.get().reason(), failure.get().getMessage());
      }
    } else {
      changed =
          Conditions.setReady(
              status,
              true,
              Reasons.CONNECTED,
              "An authenticated query of DPS " + spec.getHost() + " succeeded",
              generation,
              now);
      if (changed) {
        LOG.atInfo()
            .addKeyValue("connection", String.valueOf(key))
            .addKeyValue("host", spec.getHost())
            .log("Connected to DPS");
        events.normal(connection, Reasons.CONNECTED, "Connected to DPS " + spec.getHost());
      }
    }
    checks.lastCheck(key).ifPresent(at -> status.setLastCheckTime(at.toString()));
    status.setResources(connections.registry().userCount(key));
    status.setObservedGeneration(generation);
    if (before == null || !same(before, status, context)) {
      connection.setStatus(status);
      return UpdateControl.patchStatus(connection).rescheduleAfter(next);
    }
    return UpdateControl.<P>noUpdate().rescheduleAfter(next);
  }

  /**
   * Makes the credential and the client, checks them (or takes the last check), and offers the
   * result to the resources that use the connection.
   *
   * @return the failure, or empty when the connection is ready
   */
  private Optional<SyncFailure> refresh(P connection, ConnectionKey key, Instant now) {
    DpsConnectionSpec spec = connection.getSpec();
    Optional<SyncFailure> failure;
    DpsClient client = null;
    try {
      ConnectionCredentials.type(spec == null ? null : spec.getAuth());
      referenced.track(
          ResourceID.fromResource(connection),
          ConnectionCredentials.secret(spec.getAuth(), secretNamespace(connection))
              .map(List::of)
              .orElse(List.of()));
      Material material = new Material(secretNamespace(connection), referenced::data);
      ConnectionCredentials.Credential credential =
          ConnectionCredentials.credential(spec, material, connections.workloadIdentities());
      requireSameHost(spec.getHost(), credential.host());
      client =
          connections.clientForConnection(
              key,
              credential,
              spec.getRateLimitPerMinute() == null ? 1000 : spec.getRateLimitPerMinute(),
              Optional.ofNullable(spec.getCaBundle()).filter(s -> !s.isBlank()));
      failure = checks.check(key, connection.getMetadata().getGeneration(), client, now);
    } catch (SyncFailure f) {
      failure = Optional.of(f);
      checks.forget(key);
    }
    connections
        .registry()
        .put(
            new ConnectionState(
                key,
                failure.isEmpty(),
                failure.map(SyncFailure::reason).orElse(Reasons.CONNECTED),
                failure.map(Throwable::getMessage).orElse("connected"),
                failure.isEmpty() ? client : null,
                Optional.ofNullable(spec == null ? null : spec.getIdScope())
                    .filter(s -> !s.isBlank()),
                Optional.ofNullable(spec == null ? null : spec.getDeviceEndpoint())
                    .filter(s -> !s.isBlank()),
                namespaceSelector(connection)));
    return failure;
  }

  private static void requireSameHost(String host, String credentialHost) throws SyncFailure {
    credentialHost = credentialHost.replaceFirst("^[A-Za-z]+://", "");
    if (host == null || !host.equalsIgnoreCase(credentialHost)) {
      throw SyncFailure.terminal(
          Reasons.HOST_MISMATCH,
          "spec.host is "
              + host
              + " but the connection string's HostName is "
              + credentialHost
              + "; make them the same DPS");
    }
  }

  @Override
  public DeleteControl cleanup(P connection, Context<P> context) {
    ConnectionKey key = key(connection);
    List<String> users =
        listUsers(context.getClient(), connection)
            .map(
                r ->
                    r.getKind()
                        + " "
                        + r.getMetadata().getNamespace()
                        + "/"
                        + r.getMetadata().getName())
            .sorted()
            .toList();
    if (!users.isEmpty()) {
      // Still usable while its users go (they delete their DPS records through it), also after
      // an operator restart, when only this cleanup runs for it.
      refresh(connection, key, clock.instant());
      String message =
          "Still used by "
              + users.size()
              + " resource(s): "
              + String.join(", ", users.subList(0, Math.min(USERS_NAMED, users.size())))
              + (users.size() > USERS_NAMED ? ", ..." : "")
              + "; kept until they are deleted or name another connection";
      events.warning(connection, Reasons.IN_USE, message);
      LOG.atInfo()
          .addKeyValue("connection", String.valueOf(key))
          .addKeyValue("users", users.size())
          .log("Connection still in use");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(IN_USE_RECHECK);
    }
    referenced.untrack(ResourceID.fromResource(connection));
    checks.forget(key);
    connections.registry().remove(key);
    connections.forgetConnection(key);
    LOG.atInfo().addKeyValue("connection", String.valueOf(key)).log("Deleted connection");
    return DeleteControl.defaultDelete();
  }

  private DpsConnectionStatus copy(DpsConnectionStatus status, Context<P> context) {
    return status == null
        ? new DpsConnectionStatus()
        : context.getClient().getKubernetesSerialization().clone(status);
  }

  private boolean same(DpsConnectionStatus a, DpsConnectionStatus b, Context<P> context) {
    var ser = context.getClient().getKubernetesSerialization();
    return Objects.equals(ser.asJson(a), ser.asJson(b));
  }
}
