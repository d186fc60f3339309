package io.dpsoperator.operator.secrets;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches exactly the Secrets and ConfigMaps that resources refer to, one name-scoped informer per
 * referenced object, so that no other Secret of the cluster is listed or cached. A change to a
 * referenced object (including its creation after the resource) triggers the resources that refer
 * to it.
 *
 * @param <P> the primary resource kind
 */
public class ReferencedObjects<P extends HasMetadata> extends AbstractEventSource<Void, P> {
  private static final Logger LOG = LoggerFactory.getLogger(ReferencedObjects.class);

  private final KubernetesClient client;
  private final Map<ObjectRef, Watched> watched = new HashMap<>();
  private final Map<ResourceID, Set<ObjectRef>> byPrimary = new HashMap<>();

  private record Watched(SharedIndexInformer<? extends HasMetadata> informer, Set<ResourceID> by) {}

  public ReferencedObjects(KubernetesClient client, String name) {
    super(Void.class, name);
    this.client = client;
  }

  /**
   * Records what a primary refers to now: starts watching new references and stops watching objects
   * no resource refers to any more. It does not wait for a new informer to sync: until it has,
   * {@link #object} reads the object directly, and the informer's first event triggers the primary
   * again.
   */
  public void track(ResourceID primary, Collection<ObjectRef> refs) {
    Set<SharedIndexInformer<? extends HasMetadata>> toStop = new HashSet<>();
    synchronized (this) {
      Set<ObjectRef> now = Set.copyOf(refs);
      Set<ObjectRef> before = byPrimary.getOrDefault(primary, Set.of());
      for (ObjectRef ref : before) {
        if (!now.contains(ref)) {
          release(primary, ref, toStop);
        }
      }
      for (ObjectRef ref : now) {
        Watched w = watched.computeIfAbsent(ref, this::watch);
        w.by().add(primary);
      }
      if (now.isEmpty()) {
        byPrimary.remove(primary);
      } else {
        byPrimary.put(primary, now);
      }
    }
    toStop.forEach(SharedIndexInformer::stop);
  }

  /** Forgets a primary that is gone. */
  public void untrack(ResourceID primary) {
    track(primary, Set.of());
  }

  /** The data of a referenced Secret (decoded) or ConfigMap; empty when it does not exist. */
  public Optional<Map<String, String>> data(ObjectRef ref) {
    return object(ref).map(ReferencedObjects::dataOf);
  }

  /** A referenced Secret or ConfigMap; empty when it does not exist. */
  public Optional<HasMetadata> object(ObjectRef ref) {
    SharedIndexInformer<? extends HasMetadata> informer;
    synchronized (this) {
      Watched w = watched.get(ref);
      informer = w == null ? null : w.informer();
    }
    HasMetadata object;
    if (informer != null && informer.hasSynced()) {
      object = informer.getStore().getByKey(ref.namespace() + "/" + ref.name());
    } else {
      object = fetch(ref);
    }
    return Optional.ofNullable(object);
  }

  private HasMetadata fetch(ObjectRef ref) {
    return ref.kind() == ObjectRef.Kind.SECRET
        ? client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get()
        : client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).get();
  }

  private static Map<String, String> dataOf(HasMetadata object) {
    Map<String, String> data = new HashMap<>();
    if (object instanceof Secret secret) {
      if (secret.getData() != null) {
        secret
            .getData()
            .forEach(
                (k, v) -> {
                  try {
                    data.put(
                        k,
                        new String(
                            java.util.Base64.getMimeDecoder().decode(v),
                            java.nio.charset.StandardCharsets.UTF_8));
                  } catch (IllegalArgumentException e) {
                    // Not valid base64: leave the key out; the caller reports it as missing.
                  }
                });
      }
      if (secret.getStringData() != null) {
        data.putAll(secret.getStringData());
      }
    } else if (object instanceof ConfigMap configMap && configMap.getData() != null) {
      data.putAll(configMap.getData());
    }
    return data;
  }

  private Watched watch(ObjectRef ref) {
    ResourceEventHandler<HasMetadata> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(HasMetadata obj) {
            changed(ref);
          }

          @Override
          public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            if (!java.util.Objects.equals(
                oldObj.getMetadata().getResourceVersion(),
                newObj.getMetadata().getResourceVersion())) {
              changed(ref);
            }
          }

          @Override
          public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            changed(ref);
          }
        };
    @SuppressWarnings({"unchecked", "rawtypes"})
    SharedIndexInformer<? extends HasMetadata> informer =
        ref.kind() == ObjectRef.Kind.SECRET
            ? client
                .secrets()
                .inNamespace(ref.namespace())
                .withName(ref.name())
                .runnableInformer(0)
                .addEventHandler((ResourceEventHandler) handler)
            : client
                .configMaps()
                .inNamespace(ref.namespace())
                .withName(ref.name())
                .runnableInformer(0)
                .addEventHandler((ResourceEventHandler) handler);
    informer.start();
    LOG.debug("Started watching object={}", ref);
    return new Watched(informer, new HashSet<>());
  }

  private void release(
      ResourceID primary, ObjectRef ref, Set<SharedIndexInformer<? extends HasMetadata>> toStop) {
    Watched w = watched.get(ref);
    if (w == null) {
      return;
    }
    w.by().remove(primary);
    if (w.by().isEmpty()) {
      watched.remove(ref);
      toStop.add(w.informer());
      LOG.debug("Stopped watching object={}", ref);
    }
  }

  private void changed(ObjectRef ref) {
    Set<ResourceID> primaries;
    synchronized (this) {
      Watched w = watched.get(ref);
      primaries = w == null ? Set.of() : Set.copyOf(w.by());
    }
    if (!isRunning()) {
      return;
    }
    for (ResourceID primary : primaries) {
      LOG.debug("Referenced object changed object={} resource={}", ref, primary);
      getEventHandler().handleEvent(new Event(primary));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }

  @Override
  public void stop() {
    synchronized (this) {
      watched.values().forEach(w -> w.informer().stop());
      watched.clear();
      byPrimary.clear();
    }
    super.stop();
  }
}
