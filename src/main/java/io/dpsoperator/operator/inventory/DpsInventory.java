package io.dpsoperator.operator.inventory;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsPage;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one DPS instance holds of one kind of record, read by query pages on an interval and on
 * request, kept only for the ids that resources claim. Ids nobody claims are counted, not kept.
 * After each complete sweep, a claimed record whose etag changed, that vanished, or that became
 * known or absent triggers exactly the resources that claim it. A failed sweep changes nothing.
 *
 * <p>Ids are case-insensitive, as in DPS. All methods are thread-safe.
 *
 * @param <R> the DPS record type
 */
public final class DpsInventory<R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DpsInventory.class);

  /** The default query page size: the service's maximum is undocumented. */
  public static final int DEFAULT_PAGE_SIZE = 100;

  /** How soon a failed sweep is tried again while resources wait for it. */
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

  /** Why a snapshot's etag is what it is. */
  public enum Origin {
    /** Seen for the first time by a sweep, with no write of ours before it. */
    SWEPT,
    /** The first etag seen after a write of ours: the write's own result (keys are known). */
    OWN_WRITE,
    /** The etag changed without a write of ours: someone else changed the record. */
    OUT_OF_BAND
  }

  /**
   * What DPS held at the last sweep. The record has no symmetric keys and no registration state.
   *
   * @param id the id as DPS spells it
   * @param etag the record's etag
   * @param lastUpdated DPS's {@code lastUpdatedDateTimeUtc}
   * @param record the record without secrets
   * @param registrationState the inline registration state if the query carried one, else null (the
   *     real service's query answers carry none)
   * @param origin why the etag is what it is
   */
  public record Snapshot<R>(
      String id,
      String etag,
      Instant lastUpdated,
      R record,
      DeviceRegistrationState registrationState,
      Origin origin) {
    Snapshot<R> withOrigin(Origin o) {
      return new Snapshot<>(id, etag, lastUpdated, record, registrationState, o);
    }
  }

  /** The answer of {@link #lookup}. */
  public sealed interface Lookup<R> permits Known, Written, Absent, Unknown {}

  /** DPS held this record at the last complete sweep, and we have not written it since. */
  public record Known<R>(Snapshot<R> snapshot) implements Lookup<R> {}

  /**
   * We wrote (or deleted) the record since the last sweep that covers it: its new etag is not known
   * until the next sweep (which triggers the claimants); {@code before} is what the last sweep saw,
   * if anything.
   */
  public record Written<R>(Write write, Optional<Snapshot<R>> before) implements Lookup<R> {}

  /** A complete sweep that started after the claim (and after our last write) did not see it. */
  public record Absent<R>() implements Lookup<R> {}

  /**
   * No complete sweep covers this id yet (or nobody claims it).
   *
   * @param warmingUp the id was claimed before the inventory's first complete sweep ended: a sweep
   *     is about to tell (ask for one and wait). Otherwise the id was claimed later, by a resource
   *     that is most likely new, and waiting for a sweep of the whole DPS would cost more than
   *     trying a create (which DPS refuses with 409 if the record exists).
   */
  public record Unknown<R>(boolean warmingUp) implements Lookup<R> {}

  /** A write of ours, noted by {@link #noteWritten} or {@link #noteDeleted}. */
  public enum Write {
    WRITTEN,
    DELETED
  }

  /**
   * Counters of an inventory.
   *
   * @param claimed ids claimed by at least one resource
   * @param kept claimed ids with a snapshot
   * @param unclaimed records of the last complete sweep that nobody claims (counted, not kept)
   * @param lastSweepPages query pages (DPS calls) of the last complete sweep
   * @param pages query pages of all sweeps, failed ones included
   * @param sweeps complete sweeps
   * @param failedSweeps failed sweeps
   * @param lastSweepDuration how long the last complete sweep took
   * @param lastFailure the message of the last failed sweep, if the last sweep failed
   */
  public record Stats(
      int claimed,
      int kept,
      long unclaimed,
      int lastSweepPages,
      long pages,
      long sweeps,
      long failedSweeps,
      Duration lastSweepDuration,
      Optional<String> lastFailure) {}

  private enum State {
    UNKNOWN,
    KNOWN,
    ABSENT
  }

  private final class Entry {
    final Set<ResourceID> claimants = new HashSet<>(2);
    final long claimedAt;
    State state = State.UNKNOWN;
    Snapshot<R> snapshot;
    Write write;
    long writtenAt;

    Entry(long claimedAt) {
      this.claimedAt = claimedAt;
    }
  }

  private final String name;
  private final DpsClient client;
  private final RemoteRecords<R> kind;
  private final int pageSize;
  private final ScheduledExecutorService executor;
  private final Consumer<ResourceID> onChange;

  // Guarded by this.
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<ResourceID, String> byClaimant = new HashMap<>();
  private long sequence;
  private long firstSweepEnd = -1;
  private boolean running;
  private boolean again;
  private boolean closed;
  private ScheduledFuture<?> periodic;
  private long unclaimed;
  private int lastSweepPages;
  private long pages;
  private long sweeps;
  private long failedSweeps;
  private Duration lastSweepDuration = Duration.ZERO;
  private String lastFailure;

  /**
   * @param name for logs, e.g. the DPS host and the kind
   * @param client the DPS connection
   * @param kind which records
   * @param pageSize the query page size ({@code x-ms-max-item-count})
   * @param executor runs the sweeps (and schedules them); not owned
   * @param onChange told about each resource to reconcile after a sweep
   */
  public DpsInventory(
      String name,
      DpsClient client,
      RemoteRecords<R> kind,
      int pageSize,
      ScheduledExecutorService executor,
      Consumer<ResourceID> onChange) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, not " + pageSize);
    }
    this.name = name;
    this.client = Objects.requireNonNull(client);
    this.kind = Objects.requireNonNull(kind);
    this.pageSize = pageSize;
    this.executor = Objects.requireNonNull(executor);
    this.onChange = Objects.requireNonNull(onChange);
  }

  /** Sweeps now and then every {@code interval} after the previous sweep ended. */
  public synchronized DpsInventory<R> start(Duration interval) {
    if (periodic == null && !closed) {
      periodic =
          executor.scheduleWithFixedDelay(
              this::requestSweep, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  // ---------------------------------------------------------------- claims

  /** {@code who} claims {@code id} (and no longer any id it claimed before). */
  public void claim(String id, ResourceID who) {
    String key = key(id);
    synchronized (this) {
      String previous = byClaimant.put(who, key);
      if (previous != null && !previous.equals(key)) {
        unclaim(previous, who);
      }
      entries.computeIfAbsent(key, k -> new Entry(++sequence)).claimants.add(who);
    }
  }

  /** {@code who} claims nothing any more: its record is forgotten unless others claim it. */
  public synchronized void release(ResourceID who) {
    String key = byClaimant.remove(who);
    if (key != null) {
      unclaim(key, who);
    }
  }

  private void unclaim(String key, ResourceID who) {
    Entry e = entries.get(key);
    if (e != null) {
      e.claimants.remove(who);
      if (e.claimants.isEmpty()) {
        entries.remove(key);
      }
    }
  }

  /** What the inventory knows of a claimed id. */
  public synchronized Lookup<R> lookup(String id) {
    Entry e = entries.get(key(id));
    if (e == null) {
      return new Unknown<>(true);
    }
    if (e.write != null) {
      return new Written<>(e.write, Optional.ofNullable(e.snapshot));
    }
    return switch (e.state) {
      case KNOWN -> new Known<>(e.snapshot);
      case ABSENT -> new Absent<>();
      case UNKNOWN -> new Unknown<>(firstSweepEnd < 0 || e.claimedAt < firstSweepEnd);
    };
  }

  /**
   * We wrote the record (a create or update succeeded): its etag is unknown until a sweep that
   * starts after this call; {@link #lookup} answers {@link Written} until then.
   */
  public void noteWritten(String id) {
    note(id, Write.WRITTEN);
  }

  /** We deleted the record: {@link #lookup} answers {@link Written} until the next sweep. */
  public void noteDeleted(String id) {
    note(id, Write.DELETED);
  }

  private synchronized void note(String id, Write write) {
    Entry e = entries.get(key(id));
    if (e != null) {
      e.write = write;
      e.writtenAt = ++sequence;
    }
  }

  // ---------------------------------------------------------------- sweeps

  /**
   * Asks for a sweep. Requests while a sweep runs are coalesced into one more sweep after it, so
   * that a change made during a sweep is seen.
   */
  public void requestSweep() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (running) {
        again = true;
        return;
      }
      running = true;
    }
    try {
      executor.execute(this::runSweeps);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      synchronized (this) {
        running = false;
      }
    }
  }

  private void runSweeps() {
    while (true) {
      try {
        sweep();
      } catch (RuntimeException e) {
        LOG.atWarn()
            .addKeyValue("inventory", name)
            .setCause(e)
            .log("Inventory sweep failed unexpectedly");
      }
      synchronized (this) {
        if (again && !closed) {
          again = false;
          continue;
        }
        running = false;
        return;
      }
    }
  }

  private void sweep() {
    long startedAt;
    synchronized (this) {
      startedAt = ++sequence;
    }
    long start = System.nanoTime();
    Map<String, R> seen = new HashMap<>();
    long others = 0;
    int count = 0;
    String token = null;
    try {
      do {
        DpsPage<R> page = null;
        while (page == null) {
          try {
            page = kind.queryPage(client, pageSize, token);
          } catch (io.dpsoperator.dps.DpsRateLimitedException e) {
            // Not sent: the quota of this DPS is spent for now. The sweep runs on its own thread,
            // so it waits for a permit rather than failing.
            if (!io.dpsoperator.operator.writer.RateLimitPause.pause() || isClosed()) {
              throw e;
            }
          }
        }
        count++;
        synchronized (this) {
          pages++;
          for (R r : page.items()) {
            String key = key(kind.id(r));
            if (entries.containsKey(key)) {
              seen.put(key, r);
            } else {
              others++;
            }
          }
        }
        token = page.continuationToken().orElse(null);
      } while (token != null && !isClosed());
    } catch (RuntimeException e) {
      // DpsException messages never carry key material.
      boolean someoneWaits;
      synchronized (this) {
        failedSweeps++;
        lastFailure = e.getMessage();
        someoneWaits = entries.values().stream().anyMatch(en -> en.state == State.UNKNOWN);
      }
      LOG.atWarn()
          .addKeyValue("inventory", name)
          .addKeyValue("pages", count)
          .addKeyValue("error", e.getMessage())
          .log("Inventory sweep failed, keeping the previous snapshot");
      if (someoneWaits && !isClosed()) {
        // Resources wait for this sweep to learn what DPS holds: try again soon, not only at the
        // next resync.
        try {
          executor.schedule(
              this::requestSweep, RETRY_AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
          // shutting down
        }
      }
      return;
    }
    if (isClosed()) {
      return;
    }
    Map<String, Snapshot<R>> found = new HashMap<>(seen.size() * 2);
    seen.forEach((key, r) -> found.put(key, snapshot(r)));
    List<ResourceID> triggered = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<String, Entry> me : entries.entrySet()) {
        Entry e = me.getValue();
        if (e.writtenAt > startedAt) {
          continue; // the sweep may have read the page before our write
        }
        Snapshot<R> now = found.get(me.getKey());
        boolean changed;
        if (now != null) {
          boolean etagChanged =
              e.state != State.KNOWN
                  || e.snapshot == null
                  || !Objects.equals(e.snapshot.etag(), now.etag());
          changed = etagChanged || e.write != null;
          if (changed) {
            Origin origin =
                e.write != null
                    ? Origin.OWN_WRITE
                    : e.snapshot == null ? Origin.SWEPT : Origin.OUT_OF_BAND;
            e.snapshot = etagChanged ? now.withOrigin(origin) : e.snapshot;
          }
          e.state = State.KNOWN;
        } else if (e.claimedAt < startedAt) {
          changed = e.state != State.ABSENT || e.write != null;
          e.state = State.ABSENT;
          e.snapshot = null;
        } else {
          continue; // claimed while the sweep ran, after its page may have passed
        }
        e.write = null;
        if (changed) {
          triggered.addAll(e.claimants);
        }
      }
      unclaimed = others;
      if (firstSweepEnd < 0) {
        firstSweepEnd = ++sequence;
      }
      lastSweepPages = count;
      sweeps++;
      lastFailure = null;
      lastSweepDuration = Duration.ofNanos(System.nanoTime() - start);
    }
    LOG.atDebug()
        .addKeyValue("inventory", name)
        .addKeyValue("pages", count)
        .addKeyValue("kept", found.size())
        .addKeyValue("unclaimed", others)
        .addKeyValue("triggered", triggered.size())
        .addKeyValue("durationMs", Duration.ofNanos(System.nanoTime() - start).toMillis())
        .log("Swept inventory");
    for (ResourceID who : triggered) {
      try {
        onChange.accept(who);
      } catch (RuntimeException ex) {
        LOG.atWarn()
            .addKeyValue("inventory", name)
            .addKeyValue("resource", String.valueOf(who))
            .setCause(ex)
            .log("Inventory change handler failed");
      }
    }
  }

  private Snapshot<R> snapshot(R r) {
    return new Snapshot<>(
        kind.id(r),
        kind.etag(r),
        kind.lastUpdated(r),
        kind.withoutSecrets(r),
        kind.registrationState(r).orElse(null),
        Origin.SWEPT);
  }

  /** The counters. */
  public synchronized Stats stats() {
    int kept = 0;
    for (Entry e : entries.values()) {
      if (e.snapshot != null) {
        kept++;
      }
    }
    return new Stats(
        byClaimant.size(),
        kept,
        unclaimed,
        lastSweepPages,
        pages,
        sweeps,
        failedSweeps,
        lastSweepDuration,
        Optional.ofNullable(lastFailure));
  }

  /** The connection this inventory reads. */
  public DpsClient client() {
    return client;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Stops sweeping; a sweep under way ends at its next page. The client is not closed. */
  @Override
  public synchronized void close() {
    closed = true;
    if (periodic != null) {
      periodic.cancel(false);
    }
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }
}
