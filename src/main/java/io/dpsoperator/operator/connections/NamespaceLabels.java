package io.dpsoperator.operator.connections;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labels of namespaces, for the namespace selectors of ClusterDpsConnections: one Namespace
 * informer, started when a resource first names a ClusterDpsConnection. A change of a namespace's
 * labels is passed on, so that the resources there are judged again.
 */
public final class NamespaceLabels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceLabels.class);

  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Namespace> informer;

  /** Told the name of each namespace whose labels changed. */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** The labels of a namespace; empty when it does not exist. */
  public Optional<Map<String, String>> labels(KubernetesClient client, String namespace) {
    SharedIndexInformer<Namespace> i = informer(client);
    Namespace ns =
        i.hasSynced()
            ? i.getStore().getByKey(namespace)
            : client.namespaces().withName(namespace).get();
    return Optional.ofNullable(ns)
        .map(n -> n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
  }

  private synchronized SharedIndexInformer<Namespace> informer(KubernetesClient client) {
    if (informer == null) {
      informer = client.namespaces().runnableInformer(0);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace obj) {
              changed(obj);
            }

            @Override
            public void onUpdate(Namespace oldObj, Namespace newObj) {
              if (!Objects.equals(
                  oldObj.getMetadata().getLabels(), newObj.getMetadata().getLabels())) {
                changed(newObj);
              }
            }

            @Override
            public void onDelete(Namespace obj, boolean deletedFinalStateUnknown) {}
          });
      informer
          .start()
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  // Lookups still work, one GET each; only the triggers on change are missing.
                  LOG.atWarn()
                      .addKeyValue("error", e.getMessage())
                      .log("Could not watch namespaces");
                }
              });
    }
    return informer;
  }

  private void changed(Namespace ns) {
    listeners.forEach(l -> l.accept(ns.getMetadata().getName()));
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.stop();
      informer = null;
    }
  }
}
