package io.dpsoperator.operator.secrets;

import java.util.Set;

/**
 * What one informer of {@link ReferencedObjects} lists and watches: every object of a kind in the
 * cluster, in one namespace, or (outside the watched namespaces, where the operator may only read
 * by name, such as the operator-wide connection Secret) one object. The number of scopes depends on
 * the watched namespaces, never on the number of resources or Secrets.
 *
 * @param namespace the namespace, or null for all namespaces
 * @param name the object's name, or null for every object of the namespace
 */
public record WatchScope(ObjectRef.Kind kind, String namespace, String name) {

  /**
   * The scope that covers a referenced object.
   *
   * @param watchedNamespaces the namespaces the operator watches; empty means all namespaces
   */
  public static WatchScope covering(ObjectRef ref, Set<String> watchedNamespaces) {
    if (watchedNamespaces.isEmpty()) {
      return new WatchScope(ref.kind(), null, null);
    }
    if (watchedNamespaces.contains(ref.namespace())) {
      return new WatchScope(ref.kind(), ref.namespace(), null);
    }
    return new WatchScope(ref.kind(), ref.namespace(), ref.name());
  }

  @Override
  public String toString() {
    String kinds = kind == ObjectRef.Kind.SECRET ? "Secrets" : "ConfigMaps";
    if (namespace == null) {
      return kinds + " in all namespaces";
    }
    return name == null ? kinds + " in " + namespace : kinds + " " + namespace + "/" + name;
  }
}
