package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.ConnectionRef;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * Finds the connection a resource names and checks that the resource may use it and that it is
 * ready; otherwise a failure that says why, before anything is sent to DPS.
 */
public final class ConnectionResolver {
  private final ConnectionRegistry registry;
  private final NamespaceLabels namespaces;
  private final boolean clusterConnections;

  /**
   * @param clusterConnections whether ClusterDpsConnections are served (the operator watches all
   *     namespaces)
   */
  public ConnectionResolver(
      ConnectionRegistry registry, NamespaceLabels namespaces, boolean clusterConnections) {
    this.registry = registry;
    this.namespaces = namespaces;
    this.clusterConnections = clusterConnections;
  }

  /** The ready connection a resource of this namespace names. */
  public ConnectionState resolve(KubernetesClient client, String namespace, ConnectionRef ref)
      throws SyncFailure {
    ConnectionKey key = ConnectionKey.of(namespace, ref);
    if (key.namespace() == null && !clusterConnections) {
      throw SyncFailure.terminal(
          Reasons.CONNECTION_NOT_ALLOWED,
          key
              + " cannot be used: this operator watches only some namespaces"
              + " (DPS_OPERATOR_WATCH_NAMESPACES), and ClusterDpsConnections need it to watch all."
              + " Use a DpsConnection in this namespace. Nothing was sent to DPS");
    }
    ConnectionState state = registry.state(key).orElse(null);
    if (state == null) {
      if (!exists(client, key)) {
        throw SyncFailure.terminal(
            Reasons.CONNECTION_NOT_FOUND,
            key
                + " not found (spec.connectionRef); create it and the operator will pick it up."
                + " Nothing was sent to DPS");
      }
      throw SyncFailure.terminal(
          Reasons.CONNECTION_NOT_READY,
          key + " has not been checked yet; the operator waits for its first check");
    }
    if (key.namespace() == null) {
      Map<String, String> labels = namespaces.labels(client, namespace).orElse(Map.of());
      boolean allowed;
      try {
        allowed = LabelSelectors.matches(state.namespaceSelector(), labels);
      } catch (IllegalArgumentException e) {
        allowed = false;
      }
      if (!allowed) {
        throw SyncFailure.terminal(
            Reasons.CONNECTION_NOT_ALLOWED,
            key
                + " does not allow namespace "
                + namespace
                + " (its spec.namespaceSelector does not select it). Nothing was sent to DPS");
      }
    }
    if (!state.ready()) {
      throw SyncFailure.terminal(
          Reasons.CONNECTION_NOT_READY,
          key + " is not ready (" + state.reason() + "): " + state.message());
    }
    return state;
  }

  private static boolean exists(KubernetesClient client, ConnectionKey key) {
    return key.namespace() == null
        ? client.resources(ClusterDpsConnection.class).withName(key.name()).get() != null
        : client
                .resources(DpsConnection.class)
                .inNamespace(key.namespace())
                .withName(key.name())
                .get()
            != null;
  }
}
