package io.dpsoperator.operator.secrets;

/** A Secret or ConfigMap a resource refers to. */
public record ObjectRef(Kind kind, String namespace, String name) {

  /** The kinds of object a resource may refer to. */
  public enum Kind {
    SECRET,
    CONFIG_MAP
  }

  public static ObjectRef secret(String namespace, String name) {
    return new ObjectRef(Kind.SECRET, namespace, name);
  }

  public static ObjectRef configMap(String namespace, String name) {
    return new ObjectRef(Kind.CONFIG_MAP, namespace, name);
  }

  @Override
  public String toString() {
    return (kind == Kind.SECRET ? "Secret " : "ConfigMap ") + namespace + "/" + name;
  }
}
