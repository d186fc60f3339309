package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.ConnectionKind;
import io.dpsoperator.api.v1alpha1.ConnectionRef;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * One connection object: a DpsConnection (with its namespace) or a ClusterDpsConnection (without).
 *
 * @param namespace null for a ClusterDpsConnection
 */
public record ConnectionKey(ConnectionKind kind, String namespace, String name) {

  /** The connection a resource of a namespace names. */
  public static ConnectionKey of(String resourceNamespace, ConnectionRef ref) {
    return ref.getKind() == ConnectionKind.CLUSTER_DPS_CONNECTION
        ? new ConnectionKey(ConnectionKind.CLUSTER_DPS_CONNECTION, null, ref.getName())
        : new ConnectionKey(ConnectionKind.DPS_CONNECTION, resourceNamespace, ref.getName());
  }

  /** The connection object's id for JOSDK. */
  public ResourceID resourceId() {
    return namespace == null ? new ResourceID(name) : new ResourceID(name, namespace);
  }

  @Override
  public String toString() {
    return kind.wire() + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
