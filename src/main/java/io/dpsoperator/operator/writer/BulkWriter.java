package io.dpsoperator.operator.writer;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.DpsRateLimitedException;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.BulkEnrollmentOperationError;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces the writes of one kind of record to one DPS instance into bulk operations of at most 10
 * records of the same mode, and hands each item its own result. A lone item waits at most the
 * linger (a few milliseconds) for company; while bulk calls are in flight the next batch fills.
 * Items of the same id are applied in the order they were submitted, never twice in one call.
 * Callers wait on a future, never on a lock held across a call.
 *
 * @param <R> the DPS record type
 */
public final class BulkWriter<R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BulkWriter.class);

  /** Most records a DPS bulk operation takes. */
  public static final int MAX_ITEMS = 10;

  /** How long a lone item waits for others by default. */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(3);

  /**
   * How long a batch may wait to fill while the writer is busy (a call in flight, or a call of
   * several writes sent within this time): a fleet being written goes in full calls of ten, while a
   * lone change, or changes made one after another, wait only the short linger.
   */
  static final Duration BUSY_LINGER = Duration.ofMillis(250);

  /** Bulk calls in flight at once by default. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 2;

  /** A write, with the bulk mode it is sent in. */
  public enum Operation {
    /** Create only: 409 if the record exists. */
    CREATE(BulkOperationMode.CREATE),
    /** Update under the record's etag: 412 if it changed. Never unconditional. */
    UPDATE(BulkOperationMode.UPDATE_IF_MATCH_ETAG),
    /** Delete: 404 if it is already gone. */
    DELETE(BulkOperationMode.DELETE);

    final BulkOperationMode mode;

    Operation(BulkOperationMode mode) {
      this.mode = mode;
    }
  }

  private record Item<R>(
      Operation op, String key, R record, long enqueuedNanos, CompletableFuture<ItemResult> done) {}

  private final String name;
  private final DpsClient client;
  private final RemoteRecords<R> kind;
  private final long lingerNanos;
  private final int maxInFlight;
  private final BiConsumer<Operation, String> onApplied;
  private final ExecutorService senders;
  private final Thread dispatcher;

  // Guarded by lock.
  private final Object lock = new Object();
  private final Deque<Item<R>> queue = new ArrayDeque<>();
  private final Set<String> inFlightIds = new HashSet<>();
  private int inFlight;
  private long lastSendNanos;
  private int lastBatchSize;
  private boolean closed;

  /**
   * @param name for logs and thread names, e.g. the DPS host and the kind
   * @param client the DPS connection (not owned)
   * @param kind which records
   * @param linger how long a lone item waits for others
   * @param maxInFlight bulk calls in flight at once
   * @param onApplied told (operation, id) about each item DPS applied, before its future completes
   *     (e.g. {@code DpsInventory::noteWritten}); a delete of a missing record counts as applied
   */
  public BulkWriter(
      String name,
      DpsClient client,
      RemoteRecords<R> kind,
      Duration linger,
      int maxInFlight,
      BiConsumer<Operation, String> onApplied) {
    if (maxInFlight <= 0) {
      throw new IllegalArgumentException("maxInFlight must be positive");
    }
    this.name = name;
    this.client = Objects.requireNonNull(client);
    this.kind = Objects.requireNonNull(kind);
    this.lingerNanos = linger.toNanos();
    this.maxInFlight = maxInFlight;
    this.onApplied = Objects.requireNonNull(onApplied);
    AtomicInteger threads = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            maxInFlight,
            r -> {
              Thread t = new Thread(r, "dps-bulk-" + name + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dispatcher = new Thread(this::dispatch, "dps-bulk-" + name);
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
  }

  /** A writer with the default linger and in-flight limit. */
  public static <R> BulkWriter<R> create(
      String name,
      DpsClient client,
      RemoteRecords<R> kind,
      BiConsumer<Operation, String> onApplied) {
    return new BulkWriter<>(name, client, kind, DEFAULT_LINGER, DEFAULT_MAX_IN_FLIGHT, onApplied);
  }

  /** Creates the record (mode {@code create}). */
  public CompletableFuture<ItemResult> create(R record) {
    return submit(Operation.CREATE, record);
  }

  /**
   * Updates the record if DPS still holds {@code etag} (mode {@code updateIfMatchETag}).
   *
   * @throws IllegalArgumentException if the etag is blank: an update is never unconditional
   */
  public CompletableFuture<ItemResult> update(R record, String etag) {
    if (etag == null || etag.isBlank()) {
      throw new IllegalArgumentException(
          "An update needs the etag DPS holds; " + kind.id(record) + " has none");
    }
    return submit(Operation.UPDATE, kind.withEtag(record, etag));
  }

  /** Deletes the record with this id (mode {@code delete}). */
  public CompletableFuture<ItemResult> delete(String id) {
    return submit(Operation.DELETE, kind.reference(id));
  }

  private CompletableFuture<ItemResult> submit(Operation op, R record) {
    String id = kind.id(record);
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("The record has no id");
    }
    CompletableFuture<ItemResult> done = new CompletableFuture<>();
    synchronized (lock) {
      if (closed) {
        done.complete(new ItemResult.Retryable("the DPS writer " + name + " is closed"));
        return done;
      }
      queue.add(new Item<>(op, id.toLowerCase(Locale.ROOT), record, System.nanoTime(), done));
      lock.notifyAll();
    }
    return done;
  }

  // ---------------------------------------------------------------- dispatching

  private void dispatch() {
    try {
      while (true) {
        List<Item<R>> batch = nextBatch();
        if (batch == null) {
          return;
        }
        try {
          senders.execute(() -> send(batch));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          batch.forEach(i -> i.done().complete(new ItemResult.Retryable("the writer closed")));
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for a batch worth sending; null when closed. */
  private List<Item<R>> nextBatch() throws InterruptedException {
    synchronized (lock) {
      while (true) {
        if (closed) {
          return null;
        }
        Item<R> first = inFlight < maxInFlight ? firstSendable() : null;
        if (first == null) {
          lock.wait();
          continue;
        }
        // Idle, a lone change goes after the short linger; while calls are in flight (a fleet is
        // being written) a batch may wait a little longer to fill.
        // Busy: a call is in flight, or the last call carried several writes and left recently
        // (a fleet is streaming in). Edits made one after another go one per call, so they keep
        // the short linger.
        boolean busy =
            inFlight > 0
                || (lastBatchSize > 1 && System.nanoTime() - lastSendNanos < BUSY_LINGER.toNanos());
        long linger = busy ? Math.max(lingerNanos, BUSY_LINGER.toNanos()) : lingerNanos;
        long wait = first.enqueuedNanos() + linger - System.nanoTime();
        if (wait > 0 && sendable(first.op()) < MAX_ITEMS) {
          TimeUnit.NANOSECONDS.timedWait(lock, wait);
          continue;
        }
        List<Item<R>> batch = take(first.op());
        lastSendNanos = System.nanoTime();
        lastBatchSize = batch.size();
        inFlight++;
        batch.forEach(i -> inFlightIds.add(i.key()));
        return batch;
      }
    }
  }

  private Item<R> firstSendable() {
    for (Item<R> i : queue) {
      if (!inFlightIds.contains(i.key())) {
        return i;
      }
    }
    return null;
  }

  /** How many items of this mode could go in the next call (capped at {@link #MAX_ITEMS}). */
  private int sendable(Operation op) {
    return scan(op, false).size();
  }

  private List<Item<R>> take(Operation op) {
    return scan(op, true);
  }

  /**
   * The items of {@code op} that may go now, in order: distinct ids, none in flight, none behind an
   * earlier item of the same id that cannot go (so the writes of one id keep their order).
   */
  private List<Item<R>> scan(Operation op, boolean remove) {
    List<Item<R>> batch = new ArrayList<>(MAX_ITEMS);
    Set<String> blocked = new HashSet<>(inFlightIds);
    for (Iterator<Item<R>> it = queue.iterator(); it.hasNext() && batch.size() < MAX_ITEMS; ) {
      Item<R> i = it.next();
      if (i.done().isDone()) {
        // The caller gave up (timed out and cancelled): it will submit again if it still wants to.
        if (remove) {
          it.remove();
        }
        continue;
      }
      if (i.op() == op && blocked.add(i.key())) {
        batch.add(i);
        if (remove) {
          it.remove();
        }
      } else {
        blocked.add(i.key());
      }
    }
    return batch;
  }

  // ---------------------------------------------------------------- sending

  private void send(List<Item<R>> first) {
    // The items of the call, as topped up while the rate limit held it back.
    List<Item<R>> batch = new ArrayList<>(first);
    try {
      Map<String, ItemResult> results = call(first, batch);
      for (Item<R> item : batch) {
        ItemResult result = results.getOrDefault(item.key(), new ItemResult.Ok());
        if (result instanceof ItemResult.Ok
            || (item.op() == Operation.DELETE && result instanceof ItemResult.NotFound)) {
          try {
            onApplied.accept(item.op(), kind.id(item.record()));
          } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("writer", name).setCause(e).log("Write listener failed");
          }
        }
        item.done().complete(result);
      }
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("writer", name).setCause(e).log("Bulk write failed unexpectedly");
      batch.forEach(i -> i.done().complete(new ItemResult.Retryable(String.valueOf(e))));
    } finally {
      synchronized (lock) {
        inFlight--;
        batch.forEach(i -> inFlightIds.remove(i.key()));
        lock.notifyAll();
      }
    }
  }

  /**
   * One bulk call; results by lower-cased id, only for the items that failed. A call the client's
   * own rate limiter did not let out is tried again here, on the writer's thread, while any of its
   * callers still waits: nothing was sent, and waiting for the quota is the writer's job, not a
   * reconcile thread's.
   */
  private Map<String, ItemResult> call(List<Item<R>> batch, List<Item<R>> sent) {
    Map<String, ItemResult> withdrawn = new HashMap<>();
    while (true) {
      try {
        Map<String, ItemResult> results = callOnce(batch);
        results.putAll(withdrawn);
        return results;
      } catch (DpsRateLimitedException e) {
        List<Item<R>> waiting = new ArrayList<>();
        for (Item<R> i : batch) {
          if (i.done().isDone()) {
            withdrawn.put(i.key(), ItemResult.of(0, e.getMessage()));
          } else {
            waiting.add(i);
          }
        }
        if (waiting.isEmpty()) {
          return withdrawn;
        }
        if (!RateLimitPause.pause()) {
          batch.forEach(i -> withdrawn.put(i.key(), ItemResult.of(0, e.getMessage())));
          return withdrawn;
        }
        // While the quota held this call back, more writes may have come: they ride along, so
        // that a DPS-bound writer sends full calls of ten.
        batch = topUp(waiting, sent);
      }
    }
  }

  /**
   * The batch with more queued items of its mode added, up to {@link #MAX_ITEMS}; {@code sent}
   * learns the new items too, so that each gets its result and its id is released.
   */
  private List<Item<R>> topUp(List<Item<R>> batch, List<Item<R>> sent) {
    synchronized (lock) {
      Operation op = batch.get(0).op();
      List<Item<R>> more = new ArrayList<>();
      Set<String> blocked = new HashSet<>(inFlightIds);
      for (Iterator<Item<R>> it = queue.iterator();
          it.hasNext() && batch.size() + more.size() < MAX_ITEMS; ) {
        Item<R> i = it.next();
        if (i.done().isDone()) {
          continue;
        }
        if (i.op() == op && blocked.add(i.key())) {
          more.add(i);
          it.remove();
        } else {
          blocked.add(i.key());
        }
      }
      more.forEach(i -> inFlightIds.add(i.key()));
      sent.addAll(more);
      List<Item<R>> all = new ArrayList<>(batch);
      all.addAll(more);
      return all;
    }
  }

  private Map<String, ItemResult> callOnce(List<Item<R>> batch) {
    Operation op = batch.get(0).op();
    List<R> records = batch.stream().map(Item::record).toList();
    Map<String, ItemResult> results = new HashMap<>();
    try {
      BulkEnrollmentOperationResult answer = kind.bulk(client, op.mode, records);
      LOG.atDebug()
          .addKeyValue("writer", name)
          .addKeyValue("mode", op.mode.wire())
          .addKeyValue("items", batch.size())
          .addKeyValue("successful", answer.isSuccessful())
          .log("Ran DPS bulk operation");
      if (answer.errors() != null) {
        for (BulkEnrollmentOperationError error : answer.errors()) {
          String id = kind.idOf(error);
          if (id != null) {
            int code = error.errorCode() == null ? 0 : error.errorCode();
            results.put(id.toLowerCase(Locale.ROOT), ItemResult.of(code, error.errorStatus()));
          }
        }
      }
      if (!answer.isSuccessful() && results.isEmpty()) {
        // Failed without saying which item: nothing is known to be applied.
        batch.forEach(
            i -> results.put(i.key(), new ItemResult.Retryable("the bulk operation failed")));
      }
    } catch (DpsRateLimitedException e) {
      throw e;
    } catch (DpsException e) {
      ItemResult whole = ItemResult.of(e.status(), e.getMessage());
      batch.forEach(i -> results.put(i.key(), whole));
    } catch (IllegalArgumentException e) {
      // The client refused an item before any call (e.g. a malformed id): one bad item must not
      // fail the others, so each goes alone.
      if (batch.size() == 1) {
        results.put(batch.get(0).key(), new ItemResult.Invalid(e.getMessage()));
      } else {
        for (Item<R> i : batch) {
          results.putAll(callOnce(List.of(i)));
        }
      }
    }
    return results;
  }

  /**
   * Stops: items not yet sent complete as {@link ItemResult.Retryable}; calls in flight finish (for
   * at most 30 seconds). The client is not closed.
   */
  @Override
  public void close() {
    List<Item<R>> pending;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      pending = new ArrayList<>(queue);
      queue.clear();
      lock.notifyAll();
    }
    pending.forEach(
        i -> i.done().complete(new ItemResult.Retryable("the DPS writer " + name + " closed")));
    senders.shutdown();
    try {
      dispatcher.join(TimeUnit.SECONDS.toMillis(5));
      if (!senders.awaitTermination(30, TimeUnit.SECONDS)) {
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      senders.shutdownNow();
    }
  }
}
