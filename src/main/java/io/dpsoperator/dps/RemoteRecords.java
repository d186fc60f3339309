package io.dpsoperator.dps;

import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationError;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The remote operations on one kind of DPS record, so that the sync algorithm is written once for
 * individual enrollments and groups.
 *
 * @param <R> the DPS record type
 */
public interface RemoteRecords<R> {

  /** The record, or empty when DPS has none (404). */
  Optional<R> get(DpsClient client, String id);

  R put(DpsClient client, R record, IfMatch ifMatch);

  void delete(DpsClient client, String id, IfMatch ifMatch);

  /** The symmetric keys DPS holds (a GET hides them). */
  Optional<SymmetricKeyAttestation> keys(DpsClient client, String id);

  String etag(R record);

  /** The record with these keys in its symmetric-key attestation. */
  R withKeys(R record, SymmetricKeyAttestation keys);

  /** The keys a record carries, if any (a PUT answer carries generated keys). */
  Optional<SymmetricKeyAttestation> keysOf(R record);

  /** The record's id ({@code registrationId} or {@code enrollmentGroupId}). */
  String id(R record);

  /** When DPS last changed the record. */
  Instant lastUpdated(R record);

  /** When DPS created the record; null when the record does not say. */
  Instant created(R record);

  /** The registration state a record carries inline (individual enrollments, on GET only). */
  Optional<DeviceRegistrationState> registrationState(R record);

  /** The record with empty symmetric keys and no registration state, as kept in an inventory. */
  R withoutSecrets(R record);

  /** The record carrying this etag (sent by bulk mode {@code updateIfMatchETag}). */
  R withEtag(R record, String etag);

  /** A record that names only an id: the body of a bulk delete item. */
  R reference(String id);

  /** One query page ({@code SELECT *}); {@code continuationToken} null for the first. */
  DpsPage<R> queryPage(DpsClient client, int pageSize, String continuationToken);

  /** One bulk operation of at most 10 records. */
  BulkEnrollmentOperationResult bulk(DpsClient client, BulkOperationMode mode, List<R> records);

  /** The id a bulk error names. */
  String idOf(BulkEnrollmentOperationError error);

  /** Individual enrollments. */
  RemoteRecords<IndividualEnrollment> INDIVIDUAL =
      new RemoteRecords<>() {
        @Override
        public Optional<IndividualEnrollment> get(DpsClient client, String id) {
          return notFoundAsEmpty(() -> client.getIndividualEnrollment(id));
        }

        @Override
        public IndividualEnrollment put(DpsClient client, IndividualEnrollment r, IfMatch ifMatch) {
          return client.createOrUpdateIndividualEnrollment(r, ifMatch);
        }

        @Override
        public void delete(DpsClient client, String id, IfMatch ifMatch) {
          client.deleteIndividualEnrollment(id, ifMatch);
        }

        @Override
        public Optional<SymmetricKeyAttestation> keys(DpsClient client, String id) {
          return Optional.ofNullable(
              client.getIndividualEnrollmentAttestationMechanism(id).symmetricKey());
        }

        @Override
        public String etag(IndividualEnrollment r) {
          return r.etag();
        }

        @Override
        public IndividualEnrollment withKeys(IndividualEnrollment r, SymmetricKeyAttestation keys) {
          return r.toBuilder()
              .attestation(io.dpsoperator.dps.model.AttestationMechanism.symmetricKey(keys))
              .build();
        }

        @Override
        public Optional<SymmetricKeyAttestation> keysOf(IndividualEnrollment r) {
          return Optional.ofNullable(r.attestation()).map(a -> a.symmetricKey());
        }

        @Override
        public String id(IndividualEnrollment r) {
          return r.registrationId();
        }

        @Override
        public Instant lastUpdated(IndividualEnrollment r) {
          return r.lastUpdatedDateTimeUtc();
        }

        @Override
        public Instant created(IndividualEnrollment r) {
          return r.createdDateTimeUtc();
        }

        @Override
        public Optional<DeviceRegistrationState> registrationState(IndividualEnrollment r) {
          return Optional.ofNullable(r.registrationState());
        }

        @Override
        public IndividualEnrollment withoutSecrets(IndividualEnrollment r) {
          return r.toBuilder()
              .attestation(keyless(r.attestation()))
              .registrationState(null)
              .build();
        }

        @Override
        public IndividualEnrollment withEtag(IndividualEnrollment r, String etag) {
          return r.toBuilder().etag(etag).build();
        }

        @Override
        public IndividualEnrollment reference(String id) {
          return IndividualEnrollment.builder(id).build();
        }

        @Override
        public DpsPage<IndividualEnrollment> queryPage(
            DpsClient client, int pageSize, String continuationToken) {
          return client.queryIndividualEnrollments(pageSize, continuationToken);
        }

        @Override
        public BulkEnrollmentOperationResult bulk(
            DpsClient client, BulkOperationMode mode, List<IndividualEnrollment> records) {
          return client.runIndividualEnrollmentBulkOperation(mode, records);
        }

        @Override
        public String idOf(BulkEnrollmentOperationError error) {
          return error.registrationId();
        }
      };

  /** Enrollment groups. */
  RemoteRecords<EnrollmentGroup> GROUP =
      new RemoteRecords<>() {
        @Override
        public Optional<EnrollmentGroup> get(DpsClient client, String id) {
          return notFoundAsEmpty(() -> client.getEnrollmentGroup(id));
        }

        @Override
        public EnrollmentGroup put(DpsClient client, EnrollmentGroup r, IfMatch ifMatch) {
          return client.createOrUpdateEnrollmentGroup(r, ifMatch);
        }

        @Override
        public void delete(DpsClient client, String id, IfMatch ifMatch) {
          client.deleteEnrollmentGroup(id, ifMatch);
        }

        @Override
        public Optional<SymmetricKeyAttestation> keys(DpsClient client, String id) {
          return Optional.ofNullable(
              client.getEnrollmentGroupAttestationMechanism(id).symmetricKey());
        }

        @Override
        public String etag(EnrollmentGroup r) {
          return r.etag();
        }

        @Override
        public EnrollmentGroup withKeys(EnrollmentGroup r, SymmetricKeyAttestation keys) {
          return r.toBuilder()
              .attestation(io.dpsoperator.dps.model.AttestationMechanism.symmetricKey(keys))
              .build();
        }

        @Override
        public Optional<SymmetricKeyAttestation> keysOf(EnrollmentGroup r) {
          return Optional.ofNullable(r.attestation()).map(a -> a.symmetricKey());
        }

        @Override
        public String id(EnrollmentGroup r) {
          return r.enrollmentGroupId();
        }

        @Override
        public Instant lastUpdated(EnrollmentGroup r) {
          return r.lastUpdatedDateTimeUtc();
        }

        @Override
        public Instant created(EnrollmentGroup r) {
          return r.createdDateTimeUtc();
        }

        @Override
        public Optional<DeviceRegistrationState> registrationState(EnrollmentGroup r) {
          return Optional.empty();
        }

        @Override
        public EnrollmentGroup withoutSecrets(EnrollmentGroup r) {
          return r.toBuilder().attestation(keyless(r.attestation())).build();
        }

        @Override
        public EnrollmentGroup withEtag(EnrollmentGroup r, String etag) {
          return r.toBuilder().etag(etag).build();
        }

        @Override
        public EnrollmentGroup reference(String id) {
          return EnrollmentGroup.builder(id).build();
        }

        @Override
        public DpsPage<EnrollmentGroup> queryPage(
            DpsClient client, int pageSize, String continuationToken) {
          return client.queryEnrollmentGroups(pageSize, continuationToken);
        }

        @Override
        public BulkEnrollmentOperationResult bulk(
            DpsClient client, BulkOperationMode mode, List<EnrollmentGroup> records) {
          return client.runEnrollmentGroupBulkOperation(mode, records);
        }

        @Override
        public String idOf(BulkEnrollmentOperationError error) {
          return error.enrollmentGroupId();
        }
      };

  /** The attestation with empty symmetric keys; other kinds carry no secret. */
  private static AttestationMechanism keyless(AttestationMechanism a) {
    if (a == null || a.symmetricKey() == null) {
      return a;
    }
    return new AttestationMechanism(
        a.type(), a.tpm(), a.x509(), new SymmetricKeyAttestation(null, null));
  }

  private static <T> Optional<T> notFoundAsEmpty(java.util.function.Supplier<T> call) {
    try {
      return Optional.ofNullable(call.get());
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
