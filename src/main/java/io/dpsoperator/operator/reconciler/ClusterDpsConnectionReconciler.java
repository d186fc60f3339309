package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.ConnectionKind;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.connections.ConnectionKey;
import io.dpsoperator.operator.connections.ConnectionUsers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * Checks each {@link ClusterDpsConnection} and offers it to the resources of the namespaces it
 * selects; its Secret lives in the operator's namespace.
 */
@ControllerConfiguration(name = "clusterdpsconnection")
public class ClusterDpsConnectionReconciler extends ConnectionReconciler<ClusterDpsConnection> {

  public ClusterDpsConnectionReconciler(
      OperatorConfig config, DpsConnections connections, EventRecorder events, Clock clock) {
    super(config, connections, events, clock);
  }

  @Override
  protected String kindName() {
    return "ClusterDpsConnection";
  }

  @Override
  protected ConnectionKey key(ClusterDpsConnection connection) {
    return new ConnectionKey(
        ConnectionKind.CLUSTER_DPS_CONNECTION, null, connection.getMetadata().getName());
  }

  @Override
  protected String secretNamespace(ClusterDpsConnection connection) {
    return config.namespace();
  }

  @Override
  protected LabelSelector namespaceSelector(ClusterDpsConnection connection) {
    return connection.getSpec() == null ? null : connection.getSpec().getNamespaceSelector();
  }

  @Override
  protected Stream<HasMetadata> listUsers(
      KubernetesClient client, ClusterDpsConnection connection) {
    return ConnectionUsers.list(
        client,
        config.watchesAllNamespaces() ? java.util.Set.of() : config.watchNamespaces(),
        key(connection));
  }
}
