package io.dpsoperator.operator.sync;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
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
      };

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
