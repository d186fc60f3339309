package io.dpsoperator.operator.engine;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.operator.inventory.DpsInventory;
import io.dpsoperator.operator.inventory.InventoryEventSource;
import io.dpsoperator.operator.sync.Desired;
import io.dpsoperator.operator.sync.DpsFailures;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.RecordDiff;
import io.dpsoperator.operator.sync.SyncFailure;
import io.dpsoperator.operator.writer.BulkWriter;
import io.dpsoperator.operator.writer.ItemResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DPS hold the desired record at fleet cost: what DPS holds comes from the {@link
 * DpsInventory} (query pages on the resync interval), writes go through a {@link BulkWriter} per
 * DPS (bulk operations of up to 10), and a record is read by itself only where the inventory cannot
 * answer: keys after an out-of-band change or on adoption, a record changed since our own write, a
 * conflict. The decisions are those of the first release: write only on a difference, updates only
 * under the etag DPS holds, 412 means re-read and re-apply.
 *
 * @param <P> the primary resource kind
 * @param <R> the DPS record type
 */
public final class RecordEngine<P extends HasMetadata, R> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RecordEngine.class);
  private static final int MAX_ATTEMPTS = 3;

  private final RemoteRecords<R> remote;
  private final InventoryEventSource<P, R> inventories;
  private final Duration writeTimeout;
  private final Map<DpsClient, BulkWriter<R>> writers = new IdentityHashMap<>();
  // Without writes, whether the keys differed when last read, by "desired hash|etag": a record
  // observed again with nothing changed costs no keys read.
  private final Map<ResourceID, Map.Entry<String, Boolean>> observedKeys =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param name the event source name
   * @param remote which records
   * @param resyncInterval how often each DPS is swept
   * @param pageSize the query page size
   * @param writeTimeout the longest a reconcile waits for the bulk call carrying its write
   */
  public RecordEngine(
      String name,
      RemoteRecords<R> remote,
      Duration resyncInterval,
      int pageSize,
      Duration writeTimeout) {
    this.remote = remote;
    this.writeTimeout = writeTimeout;
    this.inventories = new InventoryEventSource<>(name, remote, resyncInterval, pageSize, 2);
  }

  /** The event source that triggers the resources whose records changed in DPS. */
  public InventoryEventSource<P, R> eventSource() {
    return inventories;
  }

  /** Writes keys the operator generated where the cluster keeps them, before DPS gets them. */
  @FunctionalInterface
  public interface KeysWriter {
    void write(SymmetricKeyAttestation keys) throws SyncFailure;
  }

  /**
   * What a sync may do.
   *
   * @param writes whether it may write to DPS (false under Observe or pause: it only reads and
   *     reports the differences)
   * @param adopt whether it may take over a record that exists before the resource applied one
   * @param fullRead whether to read the record and its keys from DPS rather than trust the
   *     inventory (a force-sync)
   * @param since when the resource was created (to the second), or null: a record DPS created at or
   *     after it was created for this resource by an earlier attempt whose status was never written
   *     (an operator restart between the create and the status write), not adopted
   */
  public record Controls(boolean writes, boolean adopt, boolean fullRead, Instant since) {
    /** Write and adopt, from the inventory: the default. */
    public static final Controls MANAGE = new Controls(true, true, false, null);
  }

  /** One thing that happened in DPS, for an Event. */
  public record Change(String reason, String message, boolean created) {
    public Change(String reason, String message) {
      this(reason, message, false);
    }
  }

  /**
   * The result of a sync.
   *
   * @param held what DPS holds now, without keys: the inventory's record, or the record just
   *     written; empty while the inventory is still being read ({@link #pending})
   * @param etag the etag DPS holds, or null when a write of ours made it unknown until the next
   *     sweep
   * @param keys the symmetric keys DPS holds, when known
   * @param appliedHash the hash of what is applied
   * @param changes what happened
   * @param fresh whether {@code held} comes from a sweep or a read (it carries DPS's timestamps
   *     and, where the service sends it, the registration state), rather than from our write
   * @param adopted whether the record existed before this resource managed it
   * @param missing without writes: DPS does not hold the record
   * @param drift without writes: the fields in which DPS differs from the desired record ("secret
   *     material" for keys); empty when it holds the desired record
   * @param forced whether the record was read in full (a force-sync)
   */
  public record Outcome<R>(
      Optional<R> held,
      String etag,
      Optional<SymmetricKeyAttestation> keys,
      String appliedHash,
      List<Change> changes,
      boolean fresh,
      boolean adopted,
      boolean missing,
      List<String> drift,
      boolean forced) {

    Outcome(
        Optional<R> held,
        String etag,
        Optional<SymmetricKeyAttestation> keys,
        String appliedHash,
        List<Change> changes,
        boolean fresh,
        boolean adopted) {
      this(held, etag, keys, appliedHash, changes, fresh, adopted, false, List.of(), false);
    }

    /** The inventory has not read this DPS yet; the resource is triggered when it has. */
    public boolean pending() {
      return held.isEmpty() && !missing;
    }

    /** Whether this sync created the record in DPS (new, or recreated after a delete). */
    public boolean created() {
      return changes.stream().anyMatch(Change::created);
    }

    /** Whether anything was written to DPS. */
    public boolean wrote() {
      return changes.stream().anyMatch(c -> !c.reason().equals(Reasons.ADOPTED));
    }
  }

  /**
   * Syncs one record.
   *
   * @param who the resource that claims the record
   * @param id the registration or group id
   * @param desired what the resource asks for
   * @param lastEtag the etag in status, null if never learned
   * @param lastHash the applied hash in status, null if never applied
   * @param kindLabel "enrollment" or "enrollment group", for messages
   * @param beforeCreate told the keys the operator generated for a new record, before DPS gets them
   *     (it writes them to the resource's Secret, so DPS never holds keys the cluster lacks)
   */
  public Outcome<R> sync(
      DpsClient client,
      ResourceID who,
      String id,
      Desired<R> desired,
      String lastEtag,
      String lastHash,
      String kindLabel,
      KeysWriter beforeCreate)
      throws SyncFailure {
    return sync(
        client, who, id, desired, lastEtag, lastHash, kindLabel, beforeCreate, Controls.MANAGE);
  }

  /**
   * Syncs one record within what {@code controls} allow.
   *
   * @see #sync(DpsClient, ResourceID, String, Desired, String, String, String, KeysWriter)
   */
  public Outcome<R> sync(
      DpsClient client,
      ResourceID who,
      String id,
      Desired<R> desired,
      String lastEtag,
      String lastHash,
      String kindLabel,
      KeysWriter beforeCreate,
      Controls controls)
      throws SyncFailure {
    DpsInventory<R> inventory = inventories.inventory(client);
    inventory.claim(id, who);
    Attempt attempt =
        new Attempt(
            client, who, id, desired, lastEtag, lastHash, kindLabel, beforeCreate, controls);
    if (controls.fullRead()) {
      return attempt.read();
    }
    DpsInventory.Lookup<R> lookup = inventory.lookup(id);
    if (lookup instanceof DpsInventory.Unknown<R> unknown) {
      // A resource that applied its record before (an operator restart) waits for the sweep
      // rather than trying a create that DPS would refuse: only a new resource creates at once.
      if (unknown.warmingUp() || !attempt.neverApplied()) {
        inventory.requestSweep();
        return new Outcome<>(
            Optional.empty(), lastEtag, desired.keys(), lastHash, List.of(), false, false);
      }
      // Without writes there is no create to try: one read says whether DPS holds it.
      return controls.writes() ? attempt.create() : attempt.read();
    }
    if (lookup instanceof DpsInventory.Absent<R>) {
      return attempt.create();
    }
    if (lookup instanceof DpsInventory.Known<R> known) {
      DpsInventory.Snapshot<R> s = known.snapshot();
      boolean outOfBand =
          s.origin() == DpsInventory.Origin.OUT_OF_BAND
              || (s.origin() == DpsInventory.Origin.SWEPT
                  && lastEtag != null
                  && !lastEtag.equals(s.etag()));
      return attempt.compare(s.record(), s.etag(), outOfBand);
    }
    DpsInventory.Written<R> written = (DpsInventory.Written<R>) lookup;
    if (written.write() == DpsInventory.Write.DELETED) {
      return attempt.create();
    }
    // Our own write, not yet swept: nothing new to apply means nothing to do.
    String hash = RecordDiff.hash(desired.record(), desired.keys().orElse(null));
    if (hash.equals(lastHash)) {
      R held =
          written
              .before()
              .map(DpsInventory.Snapshot::record)
              .orElseGet(() -> remote.withoutSecrets(desired.record()));
      return new Outcome<>(
          Optional.of(held), lastEtag, desired.keys(), hash, List.of(), false, false);
    }
    return attempt.read();
  }

  /** Deletes a record (bulk); returns when DPS no longer holds it (404 counts as gone). */
  public void delete(DpsClient client, String id) throws SyncFailure {
    ItemResult result = await(writer(client).delete(id));
    if (result instanceof ItemResult.Ok || result instanceof ItemResult.NotFound) {
      return;
    }
    throw failure(result);
  }

  /** {@code who} manages no record any more. */
  public void release(ResourceID who) {
    observedKeys.remove(who);
    inventories.release(who);
  }

  /** Closes the writer and the inventory of a client that is gone (a rotated key). */
  public void retire(DpsClient client) {
    BulkWriter<R> writer;
    synchronized (writers) {
      writer = writers.remove(client);
    }
    if (writer != null) {
      writer.close();
    }
    inventories.retire(client);
  }

  @Override
  public void close() {
    List<BulkWriter<R>> all;
    synchronized (writers) {
      all = new ArrayList<>(writers.values());
      writers.clear();
    }
    all.forEach(BulkWriter::close);
  }

  private BulkWriter<R> writer(DpsClient client) {
    synchronized (writers) {
      return writers.computeIfAbsent(
          client,
          c -> {
            DpsInventory<R> inventory = inventories.inventory(c);
            return BulkWriter.create(
                c.hostName() + "/" + inventories.name(),
                c,
                remote,
                (op, id) -> {
                  if (op == BulkWriter.Operation.DELETE) {
                    inventory.noteDeleted(id);
                  } else {
                    inventory.noteWritten(id);
                  }
                });
          });
    }
  }

  private ItemResult await(Future<ItemResult> future) throws SyncFailure {
    try {
      return future.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SyncFailure.retryable(Reasons.DPS_UNAVAILABLE, "Interrupted while writing to DPS");
    } catch (TimeoutException e) {
      // Not sent yet (the quota is spent): withdraw it. Sent: the next sweep shows it, and
      // create-only and If-Match keep a repeat safe.
      future.cancel(false);
      throw SyncFailure.retryable(
          Reasons.DPS_UNAVAILABLE, "DPS did not answer the bulk write in time; retrying");
    } catch (ExecutionException e) {
      throw SyncFailure.retryable(Reasons.DPS_UNAVAILABLE, "The bulk write failed; retrying");
    }
  }

  private static SyncFailure failure(ItemResult result) {
    if (result instanceof ItemResult.Invalid invalid) {
      return SyncFailure.terminal(
          Reasons.INVALID_SPEC, "DPS rejected the record: " + invalid.message());
    }
    if (result instanceof ItemResult.Retryable retryable) {
      boolean throttled = retryable.throttled();
      return SyncFailure.retryable(
          throttled ? Reasons.THROTTLED : Reasons.DPS_UNAVAILABLE,
          throttled
              ? "DPS throttled the operator (HTTP 429); retrying with backoff"
              : "DPS could not take the write; retrying with backoff");
    }
    if (result instanceof ItemResult.Rejected rejected) {
      return DpsFailures.classify(
          new DpsException("bulk", rejected.status(), null, null, rejected.message(), null));
    }
    if (result instanceof ItemResult.Conflict c) {
      return SyncFailure.terminal(Reasons.DPS_REJECTED, "DPS answered HTTP 409: " + c.message());
    }
    return SyncFailure.retryable(
        Reasons.DPS_UNAVAILABLE,
        "The DPS record kept changing while the operator wrote it; retrying");
  }

  /** One sync of one record: its inputs, and the changes made so far. */
  private final class Attempt {
    private final DpsClient client;
    private final ResourceID who;
    private final String id;
    private Desired<R> desired;
    private final String lastEtag;
    private final String lastHash;
    private final String kindLabel;
    private final KeysWriter beforeCreate;
    private final Controls controls;
    private final List<Change> changes = new ArrayList<>();
    private boolean adopted;
    private int attempts;

    Attempt(
        DpsClient client,
        ResourceID who,
        String id,
        Desired<R> desired,
        String lastEtag,
        String lastHash,
        String kindLabel,
        KeysWriter beforeCreate,
        Controls controls) {
      this.client = client;
      this.who = who;
      this.controls = controls;
      this.id = id;
      this.desired = desired;
      this.lastEtag = lastEtag;
      this.lastHash = lastHash;
      this.kindLabel = kindLabel;
      this.beforeCreate = beforeCreate;
    }

    private boolean neverApplied() {
      return lastEtag == null && lastHash == null;
    }

    /** Creates the record; 409 means it exists after all, and it is read and compared. */
    Outcome<R> create() throws SyncFailure {
      if (!controls.writes()) {
        return new Outcome<>(
            Optional.empty(),
            null,
            desired.keys(),
            lastHash,
            changes,
            true,
            false,
            true,
            List.of(),
            controls.fullRead());
      }
      if (++attempts > MAX_ATTEMPTS) {
        throw failure(new ItemResult.PreconditionFailed("kept changing"));
      }
      if (desired.generatedKeysSecret().isPresent() && desired.keys().isEmpty()) {
        SymmetricKeyAttestation keys = GeneratedKeys.newKeys();
        beforeCreate.write(keys);
        desired =
            new Desired<>(
                remote.withKeys(desired.record(), keys),
                Optional.of(keys),
                desired.generatedKeysSecret(),
                desired.certificates());
      }
      R want = desired.record();
      ItemResult result = await(writer(client).create(want));
      if (result instanceof ItemResult.Ok) {
        changes.add(
            neverApplied()
                ? new Change(Reasons.CREATED, "Created DPS " + kindLabel + " " + id, true)
                : new Change(
                    Reasons.DRIFT_CORRECTED,
                    "Recreated DPS " + kindLabel + " " + id + ", deleted outside the operator",
                    true));
        return written(want);
      }
      if (result instanceof ItemResult.Conflict) {
        LOG.atDebug()
            .addKeyValue("kind", kindLabel)
            .addKeyValue("id", id)
            .log("DPS record exists, reading it");
        return read();
      }
      throw failure(result);
    }

    /** Reads the record by itself (the inventory cannot answer) and compares. */
    Outcome<R> read() throws SyncFailure {
      Optional<R> current;
      try {
        current = remote.get(client, id);
      } catch (DpsException e) {
        throw DpsFailures.classify(e);
      }
      if (current.isEmpty()) {
        return create();
      }
      R record = current.get();
      boolean outOfBand = lastEtag != null && !lastEtag.equals(remote.etag(record));
      return compare(record, remote.etag(record), outOfBand);
    }

    /** Compares with what DPS holds and updates under its etag when something differs. */
    Outcome<R> compare(R held, String etag, boolean outOfBand) throws SyncFailure {
      if (++attempts > MAX_ATTEMPTS + 1) {
        throw failure(new ItemResult.PreconditionFailed("kept changing"));
      }
      if (!controls.writes()) {
        return observe(held, etag);
      }
      boolean adopting = neverApplied();
      boolean ours = adopting && createdForThisResource(held);
      if (adopting && !ours && !controls.adopt()) {
        throw SyncFailure.terminal(
            Reasons.ADOPTION_REFUSED,
            "DPS already holds "
                + kindLabel
                + " "
                + id
                + ", which this resource did not create; adoptionPolicy Refuse leaves it alone."
                + " Delete it in DPS, or set spec.adoptionPolicy to Adopt or AdoptAndOwn to take"
                + " it over");
      }
      if (ours && changes.stream().noneMatch(Change::created)) {
        changes.add(
            new Change(
                Reasons.CREATED,
                "Found DPS "
                    + kindLabel
                    + " "
                    + id
                    + ", created for this resource before its status recorded it",
                true));
      } else if (adopting && !ours && !adopted) {
        adopted = true;
        changes.add(new Change(Reasons.ADOPTED, "Adopted existing DPS " + kindLabel + " " + id));
      }
      Optional<SymmetricKeyAttestation> heldKeys = null;
      if (desired.generatedKeysSecret().isPresent() && desired.keys().isEmpty()) {
        // Generated keys whose Secret is missing: keep the keys DPS holds (the Secret is written
        // again from them) rather than sending new ones.
        heldKeys = keys();
        if (heldKeys.isPresent() && heldKeys.get().primaryKey() != null) {
          desired =
              new Desired<>(
                  remote.withKeys(desired.record(), heldKeys.get()),
                  heldKeys,
                  desired.generatedKeysSecret(),
                  desired.certificates());
        }
      }
      R want = desired.record();
      String hash = RecordDiff.hash(want, desired.keys().orElse(null));
      List<String> differing = RecordDiff.differences(want, held);
      boolean keysDiffer = false;
      boolean hashChanged = lastHash != null && !lastHash.equals(hash) && !adopting;
      if (desired.keys().isPresent()
          && (adopting || outOfBand || hashChanged || controls.fullRead())) {
        // The keys are not in what a query or GET shows: read them only when they may differ.
        if (heldKeys == null) {
          heldKeys = keys();
        }
        keysDiffer = !desired.keys().equals(heldKeys);
      }
      if (differing.isEmpty() && !keysDiffer) {
        return new Outcome<>(
            Optional.of(held),
            etag,
            desired.keys(),
            hash,
            changes,
            true,
            adopted,
            false,
            List.of(),
            controls.fullRead());
      }
      ItemResult result = await(writer(client).update(want, etag));
      if (result instanceof ItemResult.Ok) {
        String what = differing.isEmpty() ? "secret material" : String.join(", ", differing);
        // What we want was applied before, yet DPS differs: someone else changed it, even if a
        // sweep saw that change first as the result of our own write.
        boolean drift = outOfBand || attempts > 1 || (!adopting && hash.equals(lastHash));
        String verb =
            drift
                ? "Reverted changes made outside the operator to"
                : adopting ? "Updated adopted" : "Updated";
        changes.add(
            new Change(
                drift ? Reasons.DRIFT_CORRECTED : Reasons.UPDATED,
                verb + " DPS " + kindLabel + " " + id + " (" + what + ")"));
        return written(want);
      }
      if (result instanceof ItemResult.PreconditionFailed
          || result instanceof ItemResult.NotFound) {
        LOG.atInfo()
            .addKeyValue("kind", kindLabel)
            .addKeyValue("id", id)
            .log("DPS record changed concurrently, re-reading");
        return read();
      }
      throw failure(result);
    }

    /**
     * Without writes: what DPS holds and how it differs from the desired record. The keys are read
     * when the desired record or DPS's etag changed since they were last compared, or on a
     * force-sync.
     */
    private Outcome<R> observe(R held, String etag) throws SyncFailure {
      String hash = RecordDiff.hash(desired.record(), desired.keys().orElse(null));
      List<String> drift = new ArrayList<>(RecordDiff.differences(desired.record(), held));
      if (desired.keys().isPresent()) {
        String memo = hash + "|" + etag;
        Map.Entry<String, Boolean> last = observedKeys.get(who);
        boolean keysDiffer;
        if (last != null && last.getKey().equals(memo) && !controls.fullRead()) {
          keysDiffer = last.getValue();
        } else {
          keysDiffer = !desired.keys().equals(keys());
          observedKeys.put(who, Map.entry(memo, keysDiffer));
        }
        if (keysDiffer) {
          drift.add("secret material");
        }
      }
      return new Outcome<>(
          Optional.of(held),
          etag,
          desired.keys(),
          lastHash,
          changes,
          true,
          false,
          false,
          List.copyOf(drift),
          controls.fullRead());
    }

    /** Whether DPS created the record at or after the resource's creation. */
    private boolean createdForThisResource(R held) {
      Instant created = remote.created(held);
      return controls.since() != null && created != null && !created.isBefore(controls.since());
    }

    private Optional<SymmetricKeyAttestation> keys() throws SyncFailure {
      try {
        return remote.keys(client, id);
      } catch (DpsException e) {
        throw DpsFailures.classify(e);
      }
    }

    private Outcome<R> written(R sent) {
      return new Outcome<>(
          Optional.of(remote.withoutSecrets(sent)),
          null,
          desired.keys(),
          RecordDiff.hash(sent, desired.keys().orElse(null)),
          changes,
          false,
          adopted,
          false,
          List.of(),
          controls.fullRead());
    }
  }
}
