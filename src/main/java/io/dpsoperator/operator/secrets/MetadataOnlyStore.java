package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer's store that keeps only the name, namespace, uid and resourceVersion of each object,
 * never its data, labels, annotations (kubectl's last-applied annotation repeats a Secret's data)
 * or managed fields. Each full object it is given is offered to {@code offer} first, which keeps it
 * only when a resource refers to it; so an informer over every Secret of a namespace holds the data
 * of the referenced Secrets only.
 *
 * @param <T> Secret or ConfigMap
 */
final class MetadataOnlyStore<T extends HasMetadata> implements ItemStore<T> {
  private final ObjectRef.Kind kind;
  private final Supplier<T> empty;
  private final BiConsumer<ObjectRef, HasMetadata> offer;
  private final Consumer<ObjectRef> gone;
  private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

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
    return items.getKey(object);
  }

  @Override
  public T put(String key, T object) {
    offer.accept(refOf(object.getMetadata()), object);
    return items.put(key, metadataOnly(object));
  }

  @Override
  public T remove(String key) {
    T removed = items.remove(key);
    if (removed != null) {
      gone.accept(refOf(removed.getMetadata()));
    }
    return removed;
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<T> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }

  private ObjectRef refOf(ObjectMeta meta) {
    return new ObjectRef(kind, meta.getNamespace(), meta.getName());
  }

  private T metadataOnly(T object) {
    ObjectMeta meta = object.getMetadata();
    T slim = empty.get();
    slim.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .build());
    return slim;
  }
}
