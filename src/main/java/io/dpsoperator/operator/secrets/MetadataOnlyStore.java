package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer's store that keeps only the name, namespace and resourceVersion of each object, never
 * its data, labels, annotations (kubectl's last-applied annotation repeats a Secret's data) or
 * managed fields. Each full object it is given is offered to {@code offer} first, which keeps it
 * only when a resource refers to it; so an informer over every Secret of a namespace holds the data
 * of the referenced Secrets only.
 *
 * <p>It holds one string per object besides its key (about 150 bytes with the key, where a
 * metadata-only fabric8 object with its empty maps and lists costs about 1 KiB): the objects it
 * returns are made on demand, each with just that metadata.
 *
 * @param <T> Secret or ConfigMap
 */
final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {
  private final ObjectRef.Kind kind;
  private final Supplier<T> empty;
  private final BiConsumer<ObjectRef, HasMetadata> offer;
  private final Consumer<ObjectRef> gone;
  // Key ("namespace/name", as fabric8's Cache spells it) -> resourceVersion.
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  /**
   * @param empty a new object of the kind, without anything
   * @param offer receives each full object as it is listed or watched
   * @param gone told when an object left the store
   */
  MetadataOnlyStore(
      ObjectRef.Kind kind,
      Supplier<T> empty,
      BiConsumer<ObjectRef, HasMetadata> offer,
      Consumer<ObjectRef> gone) {
    this.kind = kind;
    this.empty = empty;
    this.offer = offer;
    this.gone = gone;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    ObjectMeta meta = object.getMetadata();
    offer.accept(new ObjectRef(kind, meta.getNamespace(), meta.getName()), object);
    String resourceVersion = meta.getResourceVersion();
    return object(key, versions.put(key, resourceVersion == null ? "" : resourceVersion));
  }

  @Override
  public T remove(String key) {
    T removed = object(key, versions.remove(key));
    if (removed != null) {
      ObjectMeta meta = removed.getMetadata();
      gone.accept(new ObjectRef(kind, meta.getNamespace(), meta.getName()));
    }
    return removed;
  }

  @Override
  public Stream<String> keySet() {
    return versions.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return versions.entrySet().stream().map(e -> object(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return versions.size();
  }

  @Override
  public T get(String key) {
    return object(key, versions.get(key));
  }

  /**
   * The resourceVersion listed for a key ("" when the object has none), or null when not listed.
   */
  String resourceVersion(String key) {
    return versions.get(key);
  }

  /** The metadata-only object of a key, or null when there is no version (no object). */
  private T object(String key, String resourceVersion) {
    if (resourceVersion == null) {
      return null;
    }
    int slash = key.indexOf('/');
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(slash < 0 ? null : key.substring(0, slash));
    meta.setName(key.substring(slash + 1));
    meta.setResourceVersion(resourceVersion.isEmpty() ? null : resourceVersion);
    T slim = empty.get();
    slim.setMetadata(meta);
    return slim;
  }
}
