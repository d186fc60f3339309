package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentStatus;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.operator.DpsConnections;
import io.dpsoperator.operator.EventRecorder;
import io.dpsoperator.operator.OperatorConfig;
import io.dpsoperator.operator.engine.RecordEngine;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Desired;
import io.dpsoperator.operator.sync.IndividualEnrollmentMapper;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.StatusMapper;
import io.dpsoperator.operator.sync.SyncFailure;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  private final Map<String, Instant> registrationReads =
      new java.util.concurrent.ConcurrentHashMap<>();

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
      RecordEngine.Outcome<io.dpsoperator.dps.model.IndividualEnrollment> outcome,
      DpsClient client) {
    status.setRegistrationId(resource.registrationId());
    var held = outcome.held().orElseThrow();
    if (outcome.fresh()) {
      status.setCreatedDateTimeUtc(StatusMapper.time(held.createdDateTimeUtc()));
      status.setLastUpdatedDateTimeUtc(StatusMapper.time(held.lastUpdatedDateTimeUtc()));
    }
    if (held.registrationState() != null) {
      registrationReads.put(resource.getMetadata().getUid(), clock.instant());
      status.setRegistrationState(StatusMapper.registration(held.registrationState()));
      return;
    }
    // A query answer carries no registration state: it is read by itself, on its own interval.
    if (registrationReadDue(resource, status, outcome)) {
      status.setRegistrationState(
          StatusMapper.registration(registrationState(client, resource.registrationId())));
    }
  }

  /**
   * Whether to read the registration record now: at once on a force-sync or for an adopted record,
   * never for one just created (it has no registration yet), and otherwise once per
   * registration-state interval, the first time after a restart at a random point of it so that a
   * restart does not read them all.
   */
  private boolean registrationReadDue(
      IndividualEnrollment resource,
      IndividualEnrollmentStatus status,
      RecordEngine.Outcome<io.dpsoperator.dps.model.IndividualEnrollment> outcome) {
    Instant now = clock.instant();
    String uid = resource.getMetadata().getUid();
    if (outcome.forced()) {
      registrationReads.put(uid, now);
      return true;
    }
    Duration interval = config.registrationStateInterval();
    Instant last = registrationReads.get(uid);
    if (last == null) {
      if (outcome.adopted()) {
        last = Instant.EPOCH;
      } else if (outcome.wrote() && status.getRegistrationState() == null) {
        last = now;
      } else {
        long jitter =
            java.util.concurrent.ThreadLocalRandom.current().nextLong(interval.toMillis());
        last = now.minus(interval).plusMillis(jitter);
      }
      registrationReads.put(uid, last);
    }
    if (last.plus(interval).isAfter(now)) {
      return false;
    }
    registrationReads.put(uid, now);
    return true;
  }

  /** The registration record of a device, or null when it never registered. */
  private static io.dpsoperator.dps.model.DeviceRegistrationState registrationState(
      DpsClient client, String registrationId) {
    try {
      return client.getDeviceRegistrationState(registrationId);
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return null;
      }
      throw e;
    }
  }

  @Override
  protected void forget(IndividualEnrollment resource) {
    registrationReads.remove(resource.getMetadata().getUid());
  }

  @Override
  protected java.time.Duration statusRefreshInterval() {
    return config.registrationStateInterval();
  }

  @Override
  protected io.dpsoperator.api.v1alpha1.SecretTemplate secretTemplate(
      IndividualEnrollment resource) {
    var attestation = resource.getSpec().getAttestation();
    return attestation == null || attestation.getSymmetricKey() == null
        ? null
        : attestation.getSymmetricKey().getGeneratedSecretTemplate();
  }

  @Override
  protected Map<String, String> deviceFacts(
      IndividualEnrollment resource, io.dpsoperator.operator.DpsTarget target) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("registrationId", resource.registrationId());
    facts.put("provisioningHost", target.deviceEndpoint());
    target.idScope().ifPresent(scope -> facts.put("idScope", scope));
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
