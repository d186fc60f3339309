package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.ConnectionKind;
import io.dpsoperator.api.v1alpha1.DpsConnection;
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

/** Checks each {@link DpsConnection} and offers it to the resources of its namespace. */
@ControllerConfiguration(name = "dpsconnection")
public class DpsConnectionReconciler extends ConnectionReconciler<DpsConnection> {

  public DpsConnectionReconciler(
      OperatorConfig config, DpsConnections connections, EventRecorder events, Clock clock) {
    super(config, connections, events, clock);
  }

  @Override
  protected String kindName() {
    return "DpsConnection";
  }

  @Override
  protected ConnectionKey key(DpsConnection connection) {
    return new ConnectionKey(
        ConnectionKind.DPS_CONNECTION,
        connection.getMetadata().getNamespace(),
        connection.getMetadata().getName());
  }

  @Override
  protected String secretNamespace(DpsConnection connection) {
    return connection.getMetadata().getNamespace();
  }

  @Override
  protected LabelSelector namespaceSelector(DpsConnection connection) {
    return null;
  }

  @Override
  protected Stream<HasMetadata> listUsers(KubernetesClient client, DpsConnection connection) {
    return ConnectionUsers.list(
        client, java.util.Set.of(connection.getMetadata().getNamespace()), key(connection));
  }
}
