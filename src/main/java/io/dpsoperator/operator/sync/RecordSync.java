package io.dpsoperator.operator.sync;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DPS hold the desired record: reads first, writes only when something differs, with {@code
 * If-Match} set to the etag just read; a 412 means someone else changed the record, so it re-reads
 * and re-applies. The outcome lists what happened, for Events.
 *
 * @param <R> the DPS record type
 */
public final class RecordSync<R> {
  private static final Logger LOG = LoggerFactory.getLogger(RecordSync.class);
  private static final int MAX_ATTEMPTS = 3;

  private final RemoteRecords<R> remote;

  public RecordSync(RemoteRecords<R> remote) {
    this.remote = remote;
  }

  /** One thing that happened in DPS, for an Event. */
  public record Change(String reason, String message) {}

  /**
   * The result of a sync.
   *
   * @param record the record DPS holds now
   * @param keys the symmetric keys DPS holds, when they were read or written
   * @param appliedHash the hash of what is applied
   * @param changes what happened
   */
  public record Outcome<R>(
      R record, Optional<SymmetricKeyAttestation> keys, String appliedHash, List<Change> changes) {
    public boolean wrote() {
      return changes.stream().anyMatch(c -> !c.reason().equals(Reasons.ADOPTED));
    }
  }

  /**
   * Syncs one record.
   *
   * @param id the registration or group id
   * @param desired what the resource asks for
   * @param lastEtag the etag the operator last saw (status), null if it never synced this record
   * @param lastHash the hash of what the operator last applied (status)
   * @param kindLabel "enrollment" or "enrollment group", for messages
   */
  public Outcome<R> sync(
      DpsClient client,
      String id,
      Desired<R> desired,
      String lastEtag,
      String lastHash,
      String kindLabel) {
    List<Change> changes = new ArrayList<>();
    R want = desired.record();
    String hash = RecordDiff.hash(want, desired.keys().orElse(null));
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Optional<R> current = remote.get(client, id);
      if (current.isEmpty()) {
        try {
          R created = remote.put(client, want, IfMatch.absent());
          changes.add(
              lastEtag == null
                  ? new Change(Reasons.CREATED, "Created DPS " + kindLabel + " " + id)
                  : new Change(
                      Reasons.DRIFT_CORRECTED,
                      "Recreated DPS " + kindLabel + " " + id + ", deleted outside the operator"));
          return written(created, want, desired, changes);
        } catch (DpsException e) {
          if (e.isConflict() && attempt < MAX_ATTEMPTS) {
            continue; // created concurrently: read it and compare
          }
          throw e;
        }
      }
      R actual = current.get();
      String etag = remote.etag(actual);
      // The keys DPS holds, once read (a GET hides them); null while not read.
      Optional<SymmetricKeyAttestation> heldKeys = null;
      if (desired.generatedKeysSecret().isPresent() && desired.keys().isEmpty()) {
        // Generated keys whose Secret is missing: keep the keys DPS holds (the Secret is written
        // again from them) rather than sending none, which could make DPS generate new ones.
        Optional<SymmetricKeyAttestation> held = remote.keys(client, id);
        heldKeys = held;
        if (held.isPresent() && held.get().primaryKey() != null) {
          desired =
              new Desired<>(
                  remote.withKeys(want, held.get()),
                  held,
                  desired.generatedKeysSecret(),
                  desired.certificates());
          want = desired.record();
          hash = RecordDiff.hash(want, held.get());
        }
      }
      boolean adopting = lastEtag == null;
      boolean outOfBand = !adopting && !Objects.equals(lastEtag, etag);
      if (adopting && changes.stream().noneMatch(c -> c.reason().equals(Reasons.ADOPTED))) {
        changes.add(new Change(Reasons.ADOPTED, "Adopted existing DPS " + kindLabel + " " + id));
      }
      List<String> differing = RecordDiff.differences(want, actual);
      boolean hashChanged = lastHash != null && !lastHash.equals(hash) && !adopting;
      boolean keysDiffer = false;
      if ((adopting || outOfBand) && desired.keys().isPresent()) {
        if (heldKeys == null) {
          try {
            heldKeys = remote.keys(client, id);
          } catch (DpsException e) {
            if (e.isNotFound() && attempt < MAX_ATTEMPTS) {
              continue; // deleted meanwhile: read again and recreate
            }
            throw e;
          }
        }
        keysDiffer = !desired.keys().equals(heldKeys);
      }
      if (differing.isEmpty() && !hashChanged && !keysDiffer) {
        return new Outcome<>(actual, desired.keys(), hash, changes);
      }
      try {
        R updated = remote.put(client, want, IfMatch.etag(etag));
        String what = differing.isEmpty() ? "secret material" : String.join(", ", differing);
        boolean drift = outOfBand || attempt > 1;
        String verb =
            drift
                ? "Reverted changes made outside the operator to"
                : adopting ? "Updated adopted" : "Updated";
        changes.add(
            new Change(
                drift ? Reasons.DRIFT_CORRECTED : Reasons.UPDATED,
                verb + " DPS " + kindLabel + " " + id + " (" + what + ")"));
        return written(updated, want, desired, changes);
      } catch (DpsException e) {
        // 412: changed meanwhile; 404: deleted meanwhile. Either way read again and re-apply.
        if (!(e.isPreconditionFailed() || e.isNotFound()) || attempt == MAX_ATTEMPTS) {
          throw e;
        }
        LOG.info("DPS record changed concurrently, re-reading kind={} id={}", kindLabel, id);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** The outcome of a write; the answer to a PUT carries the keys DPS generated, if it did. */
  private Outcome<R> written(R record, R sent, Desired<R> desired, List<Change> changes) {
    Optional<SymmetricKeyAttestation> keys =
        desired.keys().or(() -> remote.keysOf(record).filter(k -> k.primaryKey() != null));
    return new Outcome<>(record, keys, RecordDiff.hash(sent, keys.orElse(null)), changes);
  }
}
