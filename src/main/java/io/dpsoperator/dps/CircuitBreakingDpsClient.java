package io.dpsoperator.dps;

import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DpsClient} whose every call goes through a {@link DpsCircuitBreaker}: while its DPS is
 * failing, calls fail at once with a retryable {@link DpsUnavailableException} instead of waiting
 * for a timeout. Several clients of one DPS (one per connection string) share one breaker.
 */
public final class CircuitBreakingDpsClient implements DpsClient {
  private final DpsClient delegate;
  private final DpsCircuitBreaker breaker;

  public CircuitBreakingDpsClient(DpsClient delegate, DpsCircuitBreaker breaker) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.breaker = Objects.requireNonNull(breaker, "breaker");
  }

  /** The breaker of this client's DPS. */
  public DpsCircuitBreaker breaker() {
    return breaker;
  }

  @Override
  public String hostName() {
    return delegate.hostName();
  }

  @Override
  public IndividualEnrollment getIndividualEnrollment(String registrationId) {
    return breaker.call(
        "getIndividualEnrollment", () -> delegate.getIndividualEnrollment(registrationId));
  }

  @Override
  public IndividualEnrollment createOrUpdateIndividualEnrollment(
      IndividualEnrollment enrollment, IfMatch ifMatch) {
    return breaker.call(
        "createOrUpdateIndividualEnrollment",
        () -> delegate.createOrUpdateIndividualEnrollment(enrollment, ifMatch));
  }

  @Override
  public void deleteIndividualEnrollment(String registrationId, IfMatch ifMatch) {
    breaker.run(
        "deleteIndividualEnrollment",
        () -> delegate.deleteIndividualEnrollment(registrationId, ifMatch));
  }

  @Override
  public AttestationMechanism getIndividualEnrollmentAttestationMechanism(String registrationId) {
    return breaker.call(
        "getIndividualEnrollmentAttestationMechanism",
        () -> delegate.getIndividualEnrollmentAttestationMechanism(registrationId));
  }

  @Override
  public DpsPage<IndividualEnrollment> queryIndividualEnrollments(
      int pageSize, String continuationToken) {
    return breaker.call(
        "queryIndividualEnrollments",
        () -> delegate.queryIndividualEnrollments(pageSize, continuationToken));
  }

  @Override
  public BulkEnrollmentOperationResult runIndividualEnrollmentBulkOperation(
      BulkOperationMode mode, List<IndividualEnrollment> enrollments) {
    return breaker.call(
        "runIndividualEnrollmentBulkOperation",
        () -> delegate.runIndividualEnrollmentBulkOperation(mode, enrollments));
  }

  @Override
  public EnrollmentGroup getEnrollmentGroup(String enrollmentGroupId) {
    return breaker.call("getEnrollmentGroup", () -> delegate.getEnrollmentGroup(enrollmentGroupId));
  }

  @Override
  public EnrollmentGroup createOrUpdateEnrollmentGroup(EnrollmentGroup group, IfMatch ifMatch) {
    return breaker.call(
        "createOrUpdateEnrollmentGroup",
        () -> delegate.createOrUpdateEnrollmentGroup(group, ifMatch));
  }

  @Override
  public void deleteEnrollmentGroup(String enrollmentGroupId, IfMatch ifMatch) {
    breaker.run(
        "deleteEnrollmentGroup", () -> delegate.deleteEnrollmentGroup(enrollmentGroupId, ifMatch));
  }

  @Override
  public AttestationMechanism getEnrollmentGroupAttestationMechanism(String enrollmentGroupId) {
    return breaker.call(
        "getEnrollmentGroupAttestationMechanism",
        () -> delegate.getEnrollmentGroupAttestationMechanism(enrollmentGroupId));
  }

  @Override
  public DpsPage<EnrollmentGroup> queryEnrollmentGroups(int pageSize, String continuationToken) {
    return breaker.call(
        "queryEnrollmentGroups", () -> delegate.queryEnrollmentGroups(pageSize, continuationToken));
  }

  @Override
  public BulkEnrollmentOperationResult runEnrollmentGroupBulkOperation(
      BulkOperationMode mode, List<EnrollmentGroup> groups) {
    return breaker.call(
        "runEnrollmentGroupBulkOperation",
        () -> delegate.runEnrollmentGroupBulkOperation(mode, groups));
  }

  @Override
  public DeviceRegistrationState getDeviceRegistrationState(String registrationId) {
    return breaker.call(
        "getDeviceRegistrationState", () -> delegate.getDeviceRegistrationState(registrationId));
  }

  @Override
  public void deleteDeviceRegistrationState(String registrationId, IfMatch ifMatch) {
    breaker.run(
        "deleteDeviceRegistrationState",
        () -> delegate.deleteDeviceRegistrationState(registrationId, ifMatch));
  }

  @Override
  public DpsPage<DeviceRegistrationState> queryDeviceRegistrationStates(
      String enrollmentGroupId, int pageSize, String continuationToken) {
    return breaker.call(
        "queryDeviceRegistrationStates",
        () ->
            delegate.queryDeviceRegistrationStates(enrollmentGroupId, pageSize, continuationToken));
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "CircuitBreakingDpsClient[" + delegate + ", " + breaker + "]";
  }
}
