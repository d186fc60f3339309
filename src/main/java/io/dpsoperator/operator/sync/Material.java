package io.dpsoperator.operator.sync;

import io.dpsoperator.operator.secrets.ObjectRef;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the Secret and ConfigMap values a resource refers to, turning absence and malformation into
 * {@link SyncFailure}s that name the object and key but never a value.
 */
public final class Material {
  private final String namespace;
  private final Function<ObjectRef, Optional<Map<String, String>>> lookup;

  public Material(String namespace, Function<ObjectRef, Optional<Map<String, String>>> lookup) {
    this.namespace = namespace;
    this.lookup = lookup;
  }

  /** The namespace of the resource. */
  public String namespace() {
    return namespace;
  }

  /** The data of a Secret of the resource's namespace, if it exists. */
  public Optional<Map<String, String>> secret(String name) {
    return lookup.apply(ObjectRef.secret(namespace, name));
  }

  /** A required value of a Secret. */
  public String secretValue(String name, String key, String purpose) throws SyncFailure {
    return value(ObjectRef.secret(namespace, name), key, purpose);
  }

  /** A required value of a ConfigMap. */
  public String configMapValue(String name, String key, String purpose) throws SyncFailure {
    return value(ObjectRef.configMap(namespace, name), key, purpose);
  }

  /** A required value of any referenced object. */
  public String value(ObjectRef ref, String key, String purpose) throws SyncFailure {
    Map<String, String> data =
        lookup
            .apply(ref)
            .orElseThrow(
                () ->
                    SyncFailure.terminal(
                        Reasons.SECRET_NOT_FOUND,
                        ref
                            + " ("
                            + purpose
                            + ") not found; create it and the operator will pick it up"));
    String value = data.get(key);
    if (value == null || value.isBlank()) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SECRET, ref + " has no key '" + key + "' (" + purpose + ")");
    }
    return value.trim();
  }
}
