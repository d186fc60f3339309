package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentStatus;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Desired;
import io.dpsoperator.operator.sync.IndividualEnrollmentMapper;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.RemoteRecords;
import io.dpsoperator.operator.sync.StatusMapper;
import io.dpsoperator.operator.sync.SyncFailure;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keeps each {@link IndividualEnrollment} and its DPS individual enrollment in sync. */
@ControllerConfiguration(name = "individualenrollment")
public class IndividualEnrollmentReconciler
    extends DpsRecordReconciler<
        IndividualEnrollment,
        IndividualEnrollmentStatus,
        io.dpsoperator.dps.model.IndividualEnrollment> {

  public IndividualEnrollmentReconciler(
      OperatorConfig config,
      DpsConnections connections,
      EventRecorder events,
      io.micrometer.core.instrument.MeterRegistry meters,
      Clock clock) {
    super(config, connections, events, meters, clock);
  }

  @Override
  protected String dpsIdField() {
    return "spec.registrationId";
  }

  @Override
  protected String managedId(IndividualEnrollmentStatus status) {
    return status.getRegistrationId();
  }

  @Override
  protected void setManagedId(IndividualEnrollmentStatus status, String id) {
    status.setRegistrationId(id);
  }

  @Override
  protected String kindLabel() {
    return "enrollment";
  }

  @Override
  protected String dpsId(IndividualEnrollment resource) {
    return resource.registrationId();
  }

  @Override
  protected String duplicateReason() {
    return Reasons.DUPLICATE_REGISTRATION_ID;
  }

  @Override
  protected RemoteRecords<io.dpsoperator.dps.model.IndividualEnrollment> remote() {
    return RemoteRecords.INDIVIDUAL;
  }

  @Override
  protected List<ObjectRef> references(IndividualEnrollment resource) {
    return IndividualEnrollmentMapper.references(resource);
  }

  @Override
  protected Desired<io.dpsoperator.dps.model.IndividualEnrollment> desired(
      IndividualEnrollment resource, Material material) throws SyncFailure {
    return IndividualEnrollmentMapper.desired(resource, material);
  }

  @Override
  protected IndividualEnrollmentStatus newStatus() {
    return new IndividualEnrollmentStatus();
  }

  @Override
  protected void fillStatus(
      IndividualEnrollment resource,
      IndividualEnrollmentStatus status,
      io.dpsoperator.dps.model.IndividualEnrollment held,
      boolean written,
      DpsClient client) {
    status.setRegistrationId(resource.registrationId());
    status.setCreatedDateTimeUtc(StatusMapper.time(held.createdDateTimeUtc()));
    status.setLastUpdatedDateTimeUtc(StatusMapper.time(held.lastUpdatedDateTimeUtc()));
    var state = held.registrationState();
    if (state == null && written) {
      // A PUT answer carries no registration state; a GET does, so an idle resync costs one read.
      state = StatusMapper.registrationState(client, resource.registrationId());
    }
    status.setRegistrationState(StatusMapper.registration(state));
  }

  @Override
  protected Map<String, String> deviceFacts(IndividualEnrollment resource, DpsClient client) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("registrationId", resource.registrationId());
    facts.put("provisioningHost", config.deviceEndpoint());
    config.idScope().ifPresent(scope -> facts.put("idScope", scope));
    return facts;
  }

  @Override
  protected void deleteRelated(IndividualEnrollment resource, DpsClient client) {
    try {
      client.deleteDeviceRegistrationState(resource.registrationId(), IfMatch.absent());
    } catch (DpsException e) {
      if (!e.isNotFound()) {
        throw e;
      }
    }
  }
}
