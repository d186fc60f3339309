package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupStatus;
import io.dpsoperator.api.v1alpha1.RegistrationsDeletionPolicy;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Desired;
import io.dpsoperator.operator.sync.EnrollmentGroupMapper;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.StatusMapper;
import io.dpsoperator.operator.sync.SyncFailure;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps each {@link EnrollmentGroup} and its DPS enrollment group in sync. */
@ControllerConfiguration(name = "enrollmentgroup")
public class EnrollmentGroupReconciler
    extends DpsRecordReconciler<
        EnrollmentGroup, EnrollmentGroupStatus, io.dpsoperator.dps.model.EnrollmentGroup> {

  private final Map<String, Instant> lastCounted = new java.util.concurrent.ConcurrentHashMap<>();

  public EnrollmentGroupReconciler(
      OperatorConfig config,
      DpsConnections connections,
      EventRecorder events,
      io.micrometer.core.instrument.MeterRegistry meters,
      Clock clock) {
    super(config, connections, events, meters, clock);
  }

  @Override
  protected String dpsIdField() {
    return "spec.enrollmentGroupId";
  }

  @Override
  protected String managedId(EnrollmentGroupStatus status) {
    return status.getEnrollmentGroupId();
  }

  @Override
  protected void setManagedId(EnrollmentGroupStatus status, String id) {
    status.setEnrollmentGroupId(id);
  }

  @Override
  protected String kindLabel() {
    return "enrollment group";
  }

  @Override
  protected String dpsId(EnrollmentGroup resource) {
    return resource.enrollmentGroupId();
  }

  @Override
  protected String duplicateReason() {
    return Reasons.DUPLICATE_ENROLLMENT_GROUP_ID;
  }

  @Override
  protected RemoteRecords<io.dpsoperator.dps.model.EnrollmentGroup> remote() {
    return RemoteRecords.GROUP;
  }

  @Override
  protected List<ObjectRef> references(EnrollmentGroup resource) {
    return EnrollmentGroupMapper.references(resource);
  }

  @Override
  protected Desired<io.dpsoperator.dps.model.EnrollmentGroup> desired(
      EnrollmentGroup resource, Material material) throws SyncFailure {
    return EnrollmentGroupMapper.desired(resource, material);
  }

  @Override
  protected EnrollmentGroupStatus newStatus() {
    return new EnrollmentGroupStatus();
  }

  @Override
  protected void fillStatus(
      EnrollmentGroup resource,
      EnrollmentGroupStatus status,
      io.dpsoperator.operator.engine.RecordEngine.Outcome<io.dpsoperator.dps.model.EnrollmentGroup>
          outcome,
      DpsClient client) {
    status.setEnrollmentGroupId(resource.enrollmentGroupId());
    var held = outcome.held().orElseThrow();
    if (outcome.fresh()) {
      status.setCreatedDateTimeUtc(StatusMapper.time(held.createdDateTimeUtc()));
      status.setLastUpdatedDateTimeUtc(StatusMapper.time(held.lastUpdatedDateTimeUtc()));
    }
    Instant now = clock.instant();
    var devices = status.getDevices();
    Instant last = lastCounted.get(resource.getMetadata().getUid());
    boolean due =
        outcome.forced()
            || devices == null
            || last == null
            || !last.plus(config.groupStatusInterval()).isAfter(now);
    if (due) {
      lastCounted.put(resource.getMetadata().getUid(), now);
      // Pages through every registration of the group: ceil(devices / 100) calls per interval.
      List<DeviceRegistrationState> registrations =
          client.queryAllDeviceRegistrationStates(
              resource.enrollmentGroupId(), DpsClient.DEFAULT_PAGE_SIZE);
      var summary = StatusMapper.summary(registrations, now);
      if (devices != null && StatusMapper.sameCounts(devices, summary)) {
        return; // nothing new: keep the status unchanged so the resync costs no write
      }
      status.setDevices(summary);
    }
  }

  @Override
  protected java.time.Duration statusRefreshInterval() {
    return config.groupStatusInterval();
  }

  @Override
  protected io.dpsoperator.api.v1alpha1.SecretTemplate secretTemplate(EnrollmentGroup resource) {
    var attestation = resource.getSpec().getAttestation();
    return attestation == null || attestation.getSymmetricKey() == null
        ? null
        : attestation.getSymmetricKey().getGeneratedSecretTemplate();
  }

  @Override
  protected Map<String, String> deviceFacts(
      EnrollmentGroup resource, io.dpsoperator.operator.DpsTarget target) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("enrollmentGroupId", resource.enrollmentGroupId());
    facts.put("provisioningHost", target.deviceEndpoint());
    target.idScope().ifPresent(scope -> facts.put("idScope", scope));
    return facts;
  }

  @Override
  protected void forget(EnrollmentGroup resource) {
    lastCounted.remove(resource.getMetadata().getUid());
  }

  @Override
  protected void deleteRelated(EnrollmentGroup resource, DpsClient client) {
    if (resource.getSpec() == null
        || resource.getSpec().getRegistrationsDeletionPolicy()
            != RegistrationsDeletionPolicy.DELETE) {
      return;
    }
    for (DeviceRegistrationState r :
        client.queryAllDeviceRegistrationStates(
            resource.enrollmentGroupId(), DpsClient.DEFAULT_PAGE_SIZE)) {
      try {
        client.deleteDeviceRegistrationState(r.registrationId(), IfMatch.absent());
      } catch (DpsException e) {
        if (!e.isNotFound()) {
          throw e;
        }
      }
    }
  }
}
