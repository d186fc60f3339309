package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secrets and ConfigMaps that resources refer to, with a constant number of watches: one
 * informer per kind for the whole cluster, or per watched namespace (plus one by name for each
 * object referenced outside them, such as the operator-wide connection Secret), whatever the number
 * of resources and Secrets. The informers keep only the metadata of what they list (see {@link
 * MetadataOnlyStore}); the data of a referenced object is kept from the informer's own events, or
 * read once when it becomes referenced, and dropped when no resource refers to it any more. A
 * change to a referenced object (including its creation after the resource) triggers the resources
 * that refer to it, and only those.
 *
 * @param <P> the primary resource kind
 */
public class ReferencedObjects<P extends HasMetadata> extends AbstractEventSource<Void, P>
    implements io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware<P> {
  private static final Logger LOG = LoggerFactory.getLogger(ReferencedObjects.class);
  // Lists by pages, so that listing many large Secrets does not hold them all at once.
  private static final long LIST_PAGE = 500;

  private final KubernetesClient client;
  private final Set<String> watchedNamespaces;
  private final Map<WatchScope, Watch> watches = new HashMap<>();
  private final Map<ObjectRef, Set<ResourceID>> users = new HashMap<>();
  private final Map<ResourceID, Set<ObjectRef>> byPrimary = new HashMap<>();
  private final Map<ObjectRef, HeldObject> held = new HashMap<>();

  /** The informer of a scope and the store it lists into (which fabric8 wraps out of reach). */
  private record Watch(
      SharedIndexInformer<? extends HasMetadata> informer, MetadataOnlyStore<?> store) {}

  /**
   * @param watchedNamespaces the namespaces the operator watches; empty means all namespaces
   */
  public ReferencedObjects(KubernetesClient client, String name, Set<String> watchedNamespaces) {
    super(Void.class, name);
    this.client = client;
    this.watchedNamespaces = Set.copyOf(watchedNamespaces);
  }

  /**
   * Records what a primary refers to now, starting the informer of a scope when it is first needed
   * and forgetting the data of objects no resource refers to any more. It does not wait for a new
   * informer to sync: until it has, {@link #object} reads the object directly, and the informer's
   * first event triggers the primary again.
   */
  public void track(ResourceID primary, Collection<ObjectRef> refs) {
    List<Map.Entry<WatchScope, Watch>> toStart = new ArrayList<>();
    synchronized (this) {
      Set<ObjectRef> now = Set.copyOf(refs);
      for (ObjectRef ref : byPrimary.getOrDefault(primary, Set.of())) {
        if (!now.contains(ref)) {
          release(primary, ref);
        }
      }
      for (ObjectRef ref : now) {
        users.computeIfAbsent(ref, r -> new HashSet<>()).add(primary);
        WatchScope scope = WatchScope.covering(ref, watchedNamespaces);
        if (!watches.containsKey(scope)) {
          Watch watch = watch(scope);
          watches.put(scope, watch);
          toStart.add(Map.entry(scope, watch));
        }
      }
      if (now.isEmpty()) {
        byPrimary.remove(primary);
      } else {
        byPrimary.put(primary, now);
      }
    }
    // Started outside the lock: the informer's store calls back into this object.
    toStart.forEach(e -> start(e.getKey(), e.getValue().informer()));
  }

  /** Forgets a primary that is gone. */
  public void untrack(ResourceID primary) {
    track(primary, Set.of());
  }

  /**
   * A resource gone from the controller's cache (deleted, or relabelled to another controller
   * class) refers to nothing any more.
   */
  @Override
  public void onResourceDeleted(P resource) {
    untrack(ResourceID.fromResource(resource));
  }

  /** The data of a referenced Secret (decoded) or ConfigMap; empty when it does not exist. */
  public Optional<Map<String, String>> data(ObjectRef ref) {
    return current(ref).map(HeldObject::decodedData);
  }

  /**
   * A referenced Secret or ConfigMap; empty when it does not exist. Served from memory while the
   * informer says the object has not changed; read from the API server otherwise.
   */
  public Optional<HasMetadata> object(ObjectRef ref) {
    return current(ref).map(h -> h.object(ref));
  }

  /** What the object is now, from memory while the informer lists the version held. */
  private Optional<HeldObject> current(ObjectRef ref) {
    Watch watch;
    HeldObject cached;
    synchronized (this) {
      watch = watches.get(WatchScope.covering(ref, watchedNamespaces));
      cached = held.get(ref);
    }
    if (watch == null || !watch.informer().hasSynced()) {
      return Optional.ofNullable(fetch(ref)).map(HeldObject::of);
    }
    String listed =
        watch.store().resourceVersion(Cache.namespaceKeyFunc(ref.namespace(), ref.name()));
    if (listed == null) {
      return Optional.empty();
    }
    if (cached != null && Objects.equals(cached.resourceVersion(), listed)) {
      return Optional.of(cached);
    }
    HeldObject read = Optional.ofNullable(fetch(ref)).map(HeldObject::of).orElse(null);
    if (read != null) {
      hold(ref, read);
    }
    return Optional.ofNullable(read);
  }

  /** Everything held in memory: the informers' stores and the data of referenced objects. */
  List<HasMetadata> heldObjects() {
    List<HasMetadata> all = new ArrayList<>();
    List<Watch> listed;
    synchronized (this) {
      held.forEach((ref, object) -> all.add(object.object(ref)));
      listed = new ArrayList<>(watches.values());
    }
    listed.forEach(w -> all.addAll(w.informer().getStore().list()));
    return all;
  }

  /** The scopes watched now. */
  synchronized Set<WatchScope> scopes() {
    return Set.copyOf(watches.keySet());
  }

  private HasMetadata fetch(ObjectRef ref) {
    return ref.kind() == ObjectRef.Kind.SECRET
        ? client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get()
        : client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).get();
  }

  /**
   * Keeps the object only while a resource refers to it, and only what readers need ({@link
   * HeldObject}): no managed fields, no kubectl last-applied copy of the data.
   */
  private synchronized void offer(ObjectRef ref, HasMetadata full) {
    if (users.containsKey(ref)) {
      HeldObject compact = HeldObject.of(full);
      if (compact != null) {
        held.put(ref, compact);
      }
    }
  }

  /** Keeps what was read while a resource refers to it. */
  private synchronized void hold(ObjectRef ref, HeldObject read) {
    if (users.containsKey(ref)) {
      held.put(ref, read);
    }
  }

  private synchronized void forget(ObjectRef ref) {
    held.remove(ref);
  }

  private Watch watch(WatchScope scope) {
    if (scope.kind() == ObjectRef.Kind.SECRET) {
      MetadataOnlyStore<Secret> store =
          new MetadataOnlyStore<>(scope.kind(), Secret::new, this::offer, this::forget);
      return new Watch(informer(scope, client.secrets(), store), store);
    }
    MetadataOnlyStore<ConfigMap> store =
        new MetadataOnlyStore<>(scope.kind(), ConfigMap::new, this::offer, this::forget);
    return new Watch(informer(scope, client.configMaps(), store), store);
  }

  private void start(WatchScope scope, SharedIndexInformer<? extends HasMetadata> informer) {
    informer
        .start()
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                // Reads still work, one GET each; only the triggers on change are missing.
                LOG.atWarn()
                    .addKeyValue("scope", scope)
                    .addKeyValue("error", e.getMessage())
                    .log("Could not watch");
              }
            });
    LOG.atDebug().addKeyValue("scope", scope).log("Started watching");
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(
      WatchScope scope,
      io.fabric8.kubernetes.client.dsl.MixedOperation<
              T, ?, ? extends io.fabric8.kubernetes.client.dsl.Resource<T>>
          all,
      MetadataOnlyStore<T> store) {
    Informable<T> source;
    if (scope.namespace() == null) {
      source = all.inAnyNamespace();
    } else if (scope.name() == null) {
      source = all.inNamespace(scope.namespace());
    } else {
      source = all.inNamespace(scope.namespace()).withName(scope.name());
    }
    SharedIndexInformer<T> informer = source.withLimit(LIST_PAGE).runnableInformer(0);
    // Looked up by key only: no index by namespace (a set entry per object).
    informer.removeNamespaceIndex();
    informer.itemStore(store);
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            changed(scope, obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            if (!Objects.equals(
                oldObj.getMetadata().getResourceVersion(),
                newObj.getMetadata().getResourceVersion())) {
              changed(scope, newObj);
            }
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            changed(scope, obj);
          }
        });
    return informer;
  }

  private void release(ResourceID primary, ObjectRef ref) {
    Set<ResourceID> by = users.get(ref);
    if (by == null) {
      return;
    }
    by.remove(primary);
    if (by.isEmpty()) {
      users.remove(ref);
      held.remove(ref);
    }
  }

  private void changed(WatchScope scope, HasMetadata obj) {
    ObjectRef ref =
        new ObjectRef(scope.kind(), obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    Set<ResourceID> primaries;
    synchronized (this) {
      Set<ResourceID> by = users.get(ref);
      primaries = by == null ? Set.of() : Set.copyOf(by);
    }
    if (!isRunning()) {
      return;
    }
    for (ResourceID primary : primaries) {
      LOG.atDebug()
          .addKeyValue("object", String.valueOf(ref))
          .addKeyValue("resource", String.valueOf(primary))
          .log("Referenced object changed");
      getEventHandler().handleEvent(new Event(primary));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }

  @Override
  public void stop() {
    List<SharedIndexInformer<? extends HasMetadata>> toStop;
    synchronized (this) {
      toStop = new ArrayList<>();
      watches.values().forEach(w -> toStop.add(w.informer()));
      watches.clear();
      users.clear();
      byPrimary.clear();
      held.clear();
    }
    toStop.forEach(SharedIndexInformer::stop);
    super.stop();
  }
}
