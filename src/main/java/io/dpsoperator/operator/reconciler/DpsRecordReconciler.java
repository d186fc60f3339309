package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.ConnectionRef;
import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.SecretTemplate;
import io.dpsoperator.api.v1alpha1.tolerant.UnreadableSpec;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.operator.CertificateExpiryGauges;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.DpsTarget;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.ReadinessGauges;
import io.dpsoperator.operator.connections.ConnectionKey;
import io.dpsoperator.operator.connections.ConnectionRegistry;
import io.dpsoperator.operator.connections.Triggers;
import io.dpsoperator.operator.engine.RecordEngine;
import io.dpsoperator.operator.secrets.GeneratedKeysSecret;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.secrets.ReferencedObjects;
import io.dpsoperator.operator.sync.CertificateValidity;
import io.dpsoperator.operator.sync.Conditions;
import io.dpsoperator.operator.sync.Desired;
import io.dpsoperator.operator.sync.DpsFailures;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SpecInvariants;
import io.dpsoperator.operator.sync.SyncFailure;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop shared by both kinds: read the resource and its Secrets, build the desired DPS
 * record, let the {@link RecordEngine} apply it, and report in the status. Orchestration only:
 * mapping, diffing and remote calls live in {@code sync} and {@code secrets}.
 *
 * @param <P> the resource kind
 * @param <S> its status
 * @param <R> the DPS record type
 */
public abstract class DpsRecordReconciler<
        P extends CustomResource<? extends DpsRecordSpec, S>, S extends DpsRecordStatus, R>
    implements Reconciler<P>, Cleaner<P> {
  private static final Logger LOG = LoggerFactory.getLogger(DpsRecordReconciler.class);
  private static final String CLAIMS_INDEX = "dps-claims";

  protected final OperatorConfig config;
  protected final DpsConnections connections;
  protected final EventRecorder events;
  protected final Clock clock;
  private final RecordEngine<P, R> engine;
  private final CertificateExpiryGauges certificateGauges;
  private final ReadinessGauges readiness;
  private volatile ReferencedObjects<P> referenced;
  private final Triggers<P> connectionEvents;

  protected DpsRecordReconciler(
      OperatorConfig config,
      DpsConnections connections,
      EventRecorder events,
      MeterRegistry meters,
      Clock clock) {
    this.config = config;
    this.connections = connections;
    this.events = events;
    this.clock = clock;
    this.engine =
        new RecordEngine<>(
            kindLabel().replace(' ', '-') + "-inventory",
            remote(),
            config.resyncInterval(),
            config.queryPageSize(),
            config.requestTimeout().multipliedBy(2));
    connections.onRetire(engine::retire);
    this.connectionEvents = new Triggers<>(kindLabel().replace(' ', '-') + "-connections");
    connections
        .registry()
        .onStateChange(k -> connectionEvents.fire(connections.registry().users(k, kindLabel())));
    connections
        .namespaceLabels()
        .onChange(
            ns -> connectionEvents.fire(connections.registry().clusterUsersIn(ns, kindLabel())));
    // kind label: the resource's kind (IndividualEnrollment), as on the readiness gauge.
    this.certificateGauges =
        new CertificateExpiryGauges(meters, getClass().getSimpleName().replace("Reconciler", ""));
    this.readiness = ReadinessGauges.of(meters);
  }

  // What each kind supplies.

  /** "enrollment" or "enrollment group". */
  protected abstract String kindLabel();

  protected abstract String dpsId(P resource);

  /** The spec field of the DPS id, for messages: {@code spec.registrationId}. */
  protected abstract String dpsIdField();

  /** The DPS id this resource manages, as recorded in its status; null before the first sync. */
  protected abstract String managedId(S status);

  protected abstract void setManagedId(S status, String id);

  protected abstract String duplicateReason();

  protected abstract RemoteRecords<R> remote();

  protected abstract List<ObjectRef> references(P resource);

  protected abstract Desired<R> desired(P resource, Material material) throws SyncFailure;

  protected abstract S newStatus();

  private ConnectionSecretRef connectionRef(P resource) {
    return resource.getSpec() == null ? null : resource.getSpec().getConnectionSecretRef();
  }

  private ResourceControls controls(P resource) {
    return ResourceControls.of(resource, resource.getSpec());
  }

  /**
   * Fills the kind's own status fields from what DPS holds.
   *
   * @param outcome what the sync found or did; its record is the one just written when it is not
   *     {@link RecordEngine.Outcome#fresh() fresh}
   */
  protected abstract void fillStatus(
      P resource, S status, RecordEngine.Outcome<R> outcome, DpsClient client);

  /** The labels and annotations asked for the Secret of generated keys, if any. */
  protected abstract SecretTemplate secretTemplate(P resource);

  /** What the owned Secret of generated keys holds besides the keys. */
  protected abstract java.util.Map<String, String> deviceFacts(P resource, DpsTarget target);

  /** Deletes what goes with the record in DPS (registration records). */
  protected abstract void deleteRelated(P resource, DpsClient client);

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    // Resources by the DPS record they claim, so that the duplicate check reads one bucket.
    context.getPrimaryCache().addIndexer(CLAIMS_INDEX, r -> List.of(claimKey(r)));
    referenced =
        new ReferencedObjects<>(
            context.getClient(),
            kindLabel().replace(' ', '-') + "-references",
            config.watchNamespaces());
    return List.of(referenced, engine.eventSource(), connectionEvents);
  }

  @Override
  public UpdateControl<P> reconcile(P resource, Context<P> context) throws Exception {
    Optional<UnreadableSpec> unreadable = UnreadableSpecReport.of(resource);
    if (unreadable.isPresent()) {
      untrack(ResourceID.fromResource(resource));
      S status = copyStatus(resource, context);
      UpdateControl<P> control =
          new UnreadableSpecReport(events, clock)
              .report(resource, status, unreadable.get(), context);
      readiness.update(resource, status);
      return control;
    }
    S before = resource.getStatus();
    S status = copyStatus(resource, context);
    Instant now = clock.instant();
    Long generation = resource.getMetadata().getGeneration();
    String id = dpsId(resource);
    boolean confirmed = false;
    ResourceControls controls = controls(resource);
    ControlReport report = new ControlReport(events, kindLabel());
    report.paused(resource, status, controls, generation, now);
    try {
      // The API server's CEL rule may not run: the operator refuses the rename itself.
      SpecInvariants.sameId(dpsIdField(), managedId(status), id);
      Optional<P> winner = olderClaimant(resource, context);
      if (winner.isPresent()) {
        untrack(ResourceID.fromResource(resource));
        throw SyncFailure.terminal(
            duplicateReason(),
            "id "
                + id
                + " is already managed by "
                + winner.get().getMetadata().getNamespace()
                + "/"
                + winner.get().getMetadata().getName()
                + " (created earlier); DPS is left alone for this resource. Rename or delete one of them");
      }
      Material material = track(resource);
      DpsTarget target = target(resource, context, material);
      DpsClient client = target.client();
      Desired<R> desired = desired(resource, material);
      if (desired.generatedKeysSecret().isPresent()) {
        requireOwnedOrAbsent(resource, desired.generatedKeysSecret().get());
      }
      // A record the operator has not taken (observed only, or refused) is new to it: adoption.
      boolean owned = ResourceControls.owned(status);
      String lastEtag = owned ? status.getEtag() : null;
      String lastHash = owned ? status.getAppliedHash() : null;
      if (status.getDpsHost() != null && !status.getDpsHost().equals(client.hostName())) {
        // Another DPS now: its record is new to the operator; the old one is left in place.
        String message =
            "Now syncing to DPS "
                + client.hostName()
                + "; the "
                + kindLabel()
                + " in "
                + status.getDpsHost()
                + " was left in place";
        LOG.atInfo().addKeyValue("id", id).log("{}", message);
        events.warning(resource, Reasons.MOVED_DPS, message);
        lastEtag = null;
        lastHash = null;
      }
      RecordEngine.Outcome<R> outcome =
          engine.sync(
              client,
              ResourceID.fromResource(resource),
              id,
              desired,
              lastEtag,
              lastHash,
              kindLabel(),
              keys -> writeGeneratedKeys(resource, context, target, id, desired, keys, material),
              controls.engine(status));
      if (outcome.pending()) {
        // The inventory of this DPS is being read; it triggers this resource when it is.
        return UpdateControl.<P>noUpdate().rescheduleAfter(resyncInterval());
      }
      for (RecordEngine.Change change : outcome.changes()) {
        LOG.atInfo().addKeyValue("id", id).log("{}", change.message());
        events.normal(resource, change.reason(), change.message());
      }
      if (controls.writes()) {
        // Recorded before anything else can fail, so that deletion knows the record is managed.
        // A write of ours leaves the etag unknown until the next inventory sweep brings it.
        status.setEtag(outcome.etag() != null ? outcome.etag() : lastEtag);
        status.setAppliedHash(outcome.appliedHash());
        status.setOwnership(ownership(status, outcome));
      } else {
        // Nothing applied: the status mirrors what DPS holds.
        status.setEtag(outcome.etag());
      }
      setManagedId(status, id);
      status.setDpsHost(client.hostName());
      if (controls.forceSyncDue(status)) {
        status.setLastForceSync(controls.forceSync().get());
        String message = "Read " + kindLabel() + " " + id + " from DPS in full (force-sync)";
        LOG.atInfo().addKeyValue("value", controls.forceSync().get()).log("{}", message);
        events.normal(resource, Reasons.FORCE_SYNCED, message);
      }
      if (controls.writes()
          && desired.generatedKeysSecret().isPresent()
          && outcome.keys().isPresent()) {
        writeGeneratedKeys(resource, context, target, id, desired, outcome.keys().get(), material);
      }
      status.setCertificates(desired.certificates().isEmpty() ? null : desired.certificates());
      status.setKeysSecretName(desired.generatedKeysSecret().orElse(null));
      if (!outcome.missing()) {
        fillStatus(resource, status, outcome, client);
      }
      confirmed = controls.writes() || (!outcome.missing() && outcome.drift().isEmpty());
      CertificateValidity validity =
          CertificateValidity.of(desired.certificates(), now, config.certificateExpiryWarning());
      reportCertificates(resource, status, desired, validity, generation, now);
      if (!controls.writes()) {
        report.observed(resource, status, controls, outcome, id, generation, now);
      } else {
        report.managed(status);
      }
      if (!desired.certificates().isEmpty() && !validity.anyValid()) {
        fail(resource, status, validity.reason(), validity.message(kindLabel()), generation, now);
      } else if (controls.writes()) {
        Conditions.setReady(
            status, true, Reasons.SYNCED, "DPS holds the desired " + kindLabel(), generation, now);
      }
    } catch (SyncFailure failure) {
      fail(resource, status, failure.reason(), failure.getMessage(), generation, now);
      if (failure.isRetryable()) {
        throw failure;
      }
    } catch (DpsException e) {
      SyncFailure failure = DpsFailures.classify(e);
      fail(resource, status, failure.reason(), failure.getMessage(), generation, now);
      if (failure.isRetryable()) {
        throw e;
      }
    }
    status.setObservedGeneration(generation);
    return finish(resource, before, status, context, now, confirmed);
  }

  /**
   * The {@code CertificatesValid} condition, the expiry metric, and a Warning Event when a
   * certificate in use is expired, not yet valid, or expires within the warning window.
   */
  private void reportCertificates(
      P resource,
      S status,
      Desired<R> desired,
      CertificateValidity validity,
      Long generation,
      Instant now) {
    certificateGauges.update(
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        desired.certificates());
    if (desired.certificates().isEmpty()) {
      Conditions.remove(status, Conditions.CERTIFICATES_VALID);
      return;
    }
    String message = validity.message(kindLabel());
    boolean changed =
        Conditions.set(
            status,
            Conditions.CERTIFICATES_VALID,
            validity.allValid(),
            validity.reason(),
            message,
            generation,
            now);
    if (changed && !validity.reason().equals(Reasons.CERTIFICATES_VALID)) {
      LOG.atInfo()
          .addKeyValue("reason", validity.reason())
          .addKeyValue("message", message)
          .log("Certificate problem");
      events.warning(resource, validity.reason(), message);
    }
  }

  @Override
  public ErrorStatusUpdateControl<P> updateErrorStatus(
      P resource, Context<P> context, Exception e) {
    SyncFailure failure =
        SyncFailure.retryable(
            Reasons.DPS_UNAVAILABLE, "Unexpected error: " + e.getClass().getSimpleName());
    // The framework (and its metrics wrapper) may wrap what reconcile threw: find our cause.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SyncFailure f) {
        failure = f;
        break;
      }
      if (t instanceof DpsException d) {
        failure = DpsFailures.classify(d);
        break;
      }
    }
    S status = copyStatus(resource, context);
    Conditions.setReady(
        status,
        false,
        failure.reason(),
        failure.getMessage(),
        resource.getMetadata().getGeneration(),
        clock.instant());
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    readiness.update(resource, status);
    if (sameStatus(resource.getStatus(), status, context)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    resource.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(resource);
  }

  @Override
  public final DeleteControl cleanup(P resource, Context<P> context) {
    DeleteControl control = cleanupRecord(resource, context);
    if (control.isRemoveFinalizer()) {
      forget(resource);
      readiness.remove(resource);
    }
    return control;
  }

  /** Drops what a kind keeps in memory about a resource that is gone. */
  protected void forget(P resource) {}

  private DeleteControl cleanupRecord(P resource, Context<P> context) {
    ResourceID rid = ResourceID.fromResource(resource);
    if (UnreadableSpecReport.of(resource).isPresent()) {
      new UnreadableSpecReport(events, clock).orphaned(resource, kindLabel());
      untrack(rid);
      return DeleteControl.defaultDelete();
    }
    S status = resource.getStatus();
    certificateGauges.remove(
        resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    // The record the operator manages, even if the spec now names another id.
    String id = status != null && managedId(status) != null ? managedId(status) : dpsId(resource);
    ResourceControls.DeletionDecision decision = controls(resource).onDelete(status);
    switch (decision.action()) {
      case NOTHING -> {
        untrack(rid);
        return DeleteControl.defaultDelete();
      }
      case ORPHAN -> {
        String message =
            "Left DPS " + kindLabel() + " " + id + " in place (" + decision.why() + ")";
        LOG.info("{}", message);
        events.normal(resource, Reasons.ORPHANED, message);
        untrack(rid);
        return DeleteControl.defaultDelete();
      }
      case WAIT -> {
        events.warning(
            resource,
            Reasons.DELETION_PAUSED,
            "Deletion of DPS " + kindLabel() + " " + id + " waits: " + decision.why());
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(config.resyncInterval().toMillis());
      }
      case DELETE -> {
        // below
      }
    }
    if (olderClaimant(resource, context).isPresent()) {
      untrack(rid);
      return DeleteControl.defaultDelete();
    }
    try {
      Material material = track(resource);
      DpsClient client = target(resource, context, material).client();
      // A bulk delete: 404 means already gone.
      engine.delete(client, id);
      deleteRelated(resource, client);
      LOG.atInfo().addKeyValue("id", id).log("Deleted DPS {}", kindLabel());
      events.normal(resource, Reasons.DELETED, "Deleted DPS " + kindLabel() + " " + id);
      untrack(rid);
      return DeleteControl.defaultDelete();
    } catch (SyncFailure f) {
      if (f.isRetryable()) {
        events.warning(
            resource,
            f.reason(),
            "Cannot delete DPS " + kindLabel() + " " + id + " yet: " + f.getMessage());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(5_000);
      }
      String message =
          "Cannot delete DPS "
              + kindLabel()
              + " "
              + id
              + ": "
              + f.getMessage()
              + ". Restore the DPS credentials, or set spec.deletionPolicy to Orphan to let the resource go";
      events.warning(resource, Reasons.DELETION_BLOCKED, message);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.resyncInterval().toMillis());
    } catch (DpsException e) {
      if (e.isNotFound()) {
        untrack(rid);
        return DeleteControl.defaultDelete();
      }
      SyncFailure f = DpsFailures.classify(e);
      events.warning(
          resource,
          f.reason(),
          "Cannot delete DPS " + kindLabel() + " " + id + ": " + f.getMessage());
      long delay = f.isRetryable() ? 5_000 : config.resyncInterval().toMillis();
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay);
    }
  }

  /** The ownership to record after a sync with writes. */
  private static String ownership(DpsRecordStatus status, RecordEngine.Outcome<?> outcome) {
    if (outcome.created()) {
      return ResourceControls.CREATED;
    }
    if (outcome.adopted()) {
      return ResourceControls.ADOPTED;
    }
    return ResourceControls.ownership(status).orElse(null);
  }

  /** The resource is gone or refused: its Secrets and its DPS record are no longer watched. */
  private void untrack(ResourceID rid) {
    referenced.untrack(rid);
    engine.release(rid);
    connections.registry().use(new ConnectionRegistry.User(kindLabel(), rid), Optional.empty());
  }

  /**
   * The DPS of a resource; a resource that names a connection object is recorded as its user first,
   * so that the connection's changes trigger it.
   */
  private DpsTarget target(P resource, Context<P> context, Material material) throws SyncFailure {
    ConnectionRef ref = resource.getSpec().getConnectionRef();
    connections
        .registry()
        .use(
            new ConnectionRegistry.User(kindLabel(), ResourceID.fromResource(resource)),
            Optional.ofNullable(ref)
                .map(r -> ConnectionKey.of(resource.getMetadata().getNamespace(), r)));
    return connections.targetFor(context.getClient(), ref, connectionRef(resource), material);
  }

  private Material track(P resource) {
    String ns = resource.getMetadata().getNamespace();
    List<ObjectRef> refs = new ArrayList<>(references(resource));
    if (resource.getSpec().getConnectionRef() == null) {
      connections.secretRef(ns, connectionRef(resource)).ifPresent(refs::add);
    }
    referenced.track(ResourceID.fromResource(resource), refs);
    return new Material(ns, referenced::data);
  }

  /**
   * Writes the keys to the resource's own Secret, with what a device needs besides them; before a
   * create of keys the operator generated, so that DPS never holds keys the cluster lacks.
   */
  private void writeGeneratedKeys(
      P resource,
      Context<P> context,
      DpsTarget target,
      String id,
      Desired<R> desired,
      SymmetricKeyAttestation keys,
      Material material)
      throws SyncFailure {
    String secretName = desired.generatedKeysSecret().get();
    if (keys.primaryKey() == null) {
      return;
    }
    java.util.Map<String, String> data =
        new java.util.LinkedHashMap<>(deviceFacts(resource, target));
    data.put("primaryKey", keys.primaryKey());
    data.put("secondaryKey", keys.secondaryKey());
    SecretTemplate template = secretTemplate(resource);
    GeneratedKeysSecret.Metadata metadata =
        GeneratedKeysSecret.Metadata.of(
            resource,
            template == null ? null : template.getLabels(),
            template == null ? null : template.getAnnotations(),
            config.controllerClass());
    // Only what the operator writes is compared: keys a user added stay and cause no rewrite.
    if (material
            .secret(secretName)
            .filter(existing -> existing.entrySet().containsAll(data.entrySet()))
            .isPresent()
        && referenced
            .object(ObjectRef.secret(resource.getMetadata().getNamespace(), secretName))
            .filter(metadata::presentOn)
            .isPresent()) {
      return;
    }
    try {
      GeneratedKeysSecret.write(context.getClient(), resource, secretName, data, metadata);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw SyncFailure.retryable(
          Reasons.SECRET_WRITE_FAILED,
          "Could not write Secret " + secretName + " (HTTP " + e.getCode() + "); retrying");
    }
    events.normal(
        resource,
        Reasons.KEYS_WRITTEN,
        "Wrote the DPS-generated keys of " + kindLabel() + " " + id + " to Secret " + secretName);
  }

  /** The Secret of generated keys must be this resource's own, or not exist yet. */
  private void requireOwnedOrAbsent(P resource, String secretName) throws SyncFailure {
    ObjectRef ref = ObjectRef.secret(resource.getMetadata().getNamespace(), secretName);
    Optional<io.fabric8.kubernetes.api.model.HasMetadata> existing = referenced.object(ref);
    if (existing.isPresent()
        && !GeneratedKeysSecret.isControlledBy(existing.get(), resource.getMetadata().getUid())) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          ref
              + " exists and is not owned by this resource: the operator will not take it over."
              + " Set attestation.symmetricKey.generatedSecretName to a free name, or reference"
              + " the Secret with secretRef");
    }
  }

  private void fail(
      P resource, S status, String reason, String message, Long generation, Instant now) {
    boolean changed = Conditions.setReady(status, false, reason, message, generation, now);
    if (changed) {
      LOG.atInfo().addKeyValue("reason", reason).log("Sync failed: {}", message);
      events.warning(resource, reason, message);
    }
  }

  private Optional<P> olderClaimant(P resource, Context<P> context) {
    return Claims.olderClaimant(
        resource,
        context.getPrimaryCache().byIndex(CLAIMS_INDEX, claimKey(resource)),
        this::dpsId,
        this::connectionKey);
  }

  private String claimKey(P resource) {
    return connectionKey(resource) + "|" + dpsId(resource).toLowerCase(java.util.Locale.ROOT);
  }

  private String connectionKey(P resource) {
    if (resource.getSpec() != null && resource.getSpec().getConnectionRef() != null) {
      return ConnectionKey.of(
              resource.getMetadata().getNamespace(), resource.getSpec().getConnectionRef())
          .toString();
    }
    ConnectionSecretRef ref = connectionRef(resource);
    return ref == null ? "" : resource.getMetadata().getNamespace() + "/" + ref.getName();
  }

  @SuppressWarnings("unchecked")
  private S copyStatus(P resource, Context<P> context) {
    if (resource.getStatus() == null) {
      return newStatus();
    }
    return (S) context.getClient().getKubernetesSerialization().clone(resource.getStatus());
  }

  private boolean sameStatus(S a, S b, Context<P> context) {
    var ser = context.getClient().getKubernetesSerialization();
    return Objects.equals(ser.asJson(a), ser.asJson(b));
  }

  /**
   * Writes the status when it changed, or when {@code lastSyncTime} is due a heartbeat: it moves
   * only when DPS was confirmed to hold the desired record, and at most once per heartbeat interval
   * while nothing else changes, so that an idle resync writes nothing to Kubernetes.
   */
  private UpdateControl<P> finish(
      P resource, S before, S status, Context<P> context, Instant now, boolean confirmed) {
    boolean changed = before == null || !sameStatus(before, status, context);
    boolean heartbeatDue =
        confirmed
            && (status.getLastSyncTime() == null
                || !Instant.parse(status.getLastSyncTime())
                    .plus(config.statusHeartbeat())
                    .isAfter(now));
    if (changed || heartbeatDue) {
      if (confirmed) {
        status.setLastSyncTime(now.toString());
      }
      // Patched here rather than through UpdateControl so that the next reconciliation sees this
      // status (etag included) even before the informer delivers it.
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
          resource,
          context,
          r -> {
            r.setStatus(status);
            return r;
          });
    }
    readiness.update(resource, status);
    return UpdateControl.<P>noUpdate().rescheduleAfter(resyncInterval());
  }

  /**
   * How long until the next periodic sync of one resource: the interval less up to a fifth of it,
   * at random. Resources reconciled together (all of them, after a restart) would otherwise come
   * back together every interval, and a spec change arriving then would wait behind thousands of
   * periodic reconciles; spread out, they never exceed the interval.
   */
  private java.time.Duration resyncInterval() {
    java.time.Duration refresh = statusRefreshInterval();
    long interval =
        (refresh.compareTo(config.resyncInterval()) < 0 ? refresh : config.resyncInterval())
            .toMillis();
    return java.time.Duration.ofMillis(
        interval - java.util.concurrent.ThreadLocalRandom.current().nextLong(interval / 5 + 1));
  }

  /** How often a kind refreshes status facts that DPS's inventory does not carry. */
  protected abstract java.time.Duration statusRefreshInterval();
}
