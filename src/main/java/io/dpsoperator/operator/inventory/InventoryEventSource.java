package io.dpsoperator.operator.inventory;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.RemoteRecords;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DPS inventories of one controller, one per DPS connection, as a JOSDK event source: a record
 * that changed in DPS triggers the resources that claim it. An inventory is made on the first use
 * of a {@link DpsClient} and closed when the client is retired.
 *
 * @param <P> the primary resource kind
 * @param <R> the DPS record type
 */
public class InventoryEventSource<P extends HasMetadata, R> extends AbstractEventSource<Void, P>
    implements io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware<P> {
  private final RemoteRecords<R> kind;
  private final Duration interval;
  private final int pageSize;
  private final ScheduledExecutorService executor;
  private final Map<DpsClient, DpsInventory<R>> inventories = new IdentityHashMap<>();

  /**
   * @param name the event source name
   * @param kind which records
   * @param interval the resync interval: how often each inventory sweeps
   * @param pageSize the query page size
   * @param threads sweeps that may run at once (across connections)
   */
  public InventoryEventSource(
      String name, RemoteRecords<R> kind, Duration interval, int pageSize, int threads) {
    super(Void.class, name);
    this.kind = kind;
    this.interval = interval;
    this.pageSize = pageSize;
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, "dps-inventory-" + name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.executor = pool;
  }

  /** The inventory of this connection, started on first use. */
  public synchronized DpsInventory<R> inventory(DpsClient client) {
    return inventories.computeIfAbsent(
        client,
        c ->
            new DpsInventory<>(
                    c.hostName() + "/" + name(), c, kind, pageSize, executor, this::trigger)
                .start(interval));
  }

  /** Closes the inventory of a client that is gone (e.g. after a key rotation). */
  public void retire(DpsClient client) {
    DpsInventory<R> inventory;
    synchronized (this) {
      inventory = inventories.remove(client);
    }
    if (inventory != null) {
      inventory.close();
    }
  }

  /** {@code who} claims nothing any more, in any inventory. */
  public void release(ResourceID who) {
    List<DpsInventory<R>> all;
    synchronized (this) {
      all = List.copyOf(inventories.values());
    }
    all.forEach(i -> i.release(who));
  }

  /**
   * A resource gone from the controller's cache (deleted, or relabelled to another controller
   * class) claims nothing any more.
   */
  @Override
  public void onResourceDeleted(P resource) {
    release(ResourceID.fromResource(resource));
  }

  private void trigger(ResourceID who) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(who));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }

  @Override
  public void stop() {
    synchronized (this) {
      inventories.values().forEach(DpsInventory::close);
      inventories.clear();
    }
    executor.shutdownNow();
    super.stop();
  }
}
