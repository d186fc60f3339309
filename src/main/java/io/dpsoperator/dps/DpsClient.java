package io.dpsoperator.dps;

import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DPS service API. Every method throws {@link DpsException} on failure; {@link
 * DpsException#isNotFound()} and {@link DpsException#isPreconditionFailed()} tell 404 and 412 apart
 * without parsing text.
 */
public interface DpsClient extends AutoCloseable {

  /** The default query page size. */
  int DEFAULT_PAGE_SIZE = 100;

  /**
   * The DPS host this client talks to (no scheme), e.g. {@code
   * mydps.azure-devices-provisioning.net}.
   */
  String hostName();

  // Individual enrollments

  IndividualEnrollment getIndividualEnrollment(String registrationId);

  /** Creates or replaces an enrollment; the answer carries the new etag (and generated keys). */
  IndividualEnrollment createOrUpdateIndividualEnrollment(
      IndividualEnrollment enrollment, IfMatch ifMatch);

  void deleteIndividualEnrollment(String registrationId, IfMatch ifMatch);

  /** The attestation with its secrets (keys), which a plain GET does not return. */
  AttestationMechanism getIndividualEnrollmentAttestationMechanism(String registrationId);

  /** One page of {@code SELECT * FROM enrollments}; {@code continuationToken} may be null. */
  DpsPage<IndividualEnrollment> queryIndividualEnrollments(int pageSize, String continuationToken);

  /** At most 10 enrollments; more is refused before any call. */
  BulkEnrollmentOperationResult runIndividualEnrollmentBulkOperation(
      BulkOperationMode mode, List<IndividualEnrollment> enrollments);

  // Enrollment groups

  EnrollmentGroup getEnrollmentGroup(String enrollmentGroupId);

  EnrollmentGroup createOrUpdateEnrollmentGroup(EnrollmentGroup group, IfMatch ifMatch);

  void deleteEnrollmentGroup(String enrollmentGroupId, IfMatch ifMatch);

  AttestationMechanism getEnrollmentGroupAttestationMechanism(String enrollmentGroupId);

  DpsPage<EnrollmentGroup> queryEnrollmentGroups(int pageSize, String continuationToken);

  /** At most 10 groups; more is refused before any call. */
  BulkEnrollmentOperationResult runEnrollmentGroupBulkOperation(
      BulkOperationMode mode, List<EnrollmentGroup> groups);

  // Device registration states

  DeviceRegistrationState getDeviceRegistrationState(String registrationId);

  void deleteDeviceRegistrationState(String registrationId, IfMatch ifMatch);

  /** One page of the registrations of a group. */
  DpsPage<DeviceRegistrationState> queryDeviceRegistrationStates(
      String enrollmentGroupId, int pageSize, String continuationToken);

  // Paging helpers: follow x-ms-continuation to the last page.

  default List<IndividualEnrollment> queryAllIndividualEnrollments(int pageSize) {
    return collect(token -> queryIndividualEnrollments(pageSize, token));
  }

  default List<EnrollmentGroup> queryAllEnrollmentGroups(int pageSize) {
    return collect(token -> queryEnrollmentGroups(pageSize, token));
  }

  default List<DeviceRegistrationState> queryAllDeviceRegistrationStates(
      String enrollmentGroupId, int pageSize) {
    return collect(token -> queryDeviceRegistrationStates(enrollmentGroupId, pageSize, token));
  }

  private static <T> List<T> collect(java.util.function.Function<String, DpsPage<T>> fetch) {
    List<T> all = new ArrayList<>();
    String token = null;
    do {
      DpsPage<T> page = fetch.apply(token);
      all.addAll(page.items());
      Optional<String> next = page.continuationToken();
      token = next.orElse(null);
    } while (token != null);
    return all;
  }

  @Override
  void close();
}
