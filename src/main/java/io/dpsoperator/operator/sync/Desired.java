package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.util.List;
import java.util.Optional;

/**
 * The DPS record a resource asks for, with what the status reports about its material.
 *
 * @param record the record to hold in DPS
 * @param keys the symmetric keys of the record, when known (from a Secret)
 * @param generatedKeysSecret the Secret owned by the resource that holds DPS-generated keys, when
 *     the keys are generated
 * @param certificates the certificates in use, for the status
 */
public record Desired<R>(
    R record,
    Optional<SymmetricKeyAttestation> keys,
    Optional<String> generatedKeysSecret,
    List<CertificateStatus> certificates) {}
