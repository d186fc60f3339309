package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.DpsConnectionAuth;
import io.dpsoperator.api.v1alpha1.DpsConnectionSpec;
import io.dpsoperator.api.v1alpha1.WorkloadIdentityAuth;
import io.dpsoperator.dps.auth.ConnectionString;
import io.dpsoperator.dps.auth.DpsCredential;
import io.dpsoperator.dps.auth.SasCredential;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.sync.Material;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;
import java.util.Optional;

/**
 * Makes the credential of a connection, one method per auth type: the one place where a
 * connection's {@code spec.auth} becomes something a DPS client can sign requests with.
 */
public final class ConnectionCredentials {
  /** The authType shown in status for SAS. */
  public static final String SHARED_ACCESS_KEY = "SharedAccessKey";

  /** The authType shown in status for Entra ID workload identity. */
  public static final String WORKLOAD_IDENTITY = "WorkloadIdentity";

  private ConnectionCredentials() {}

  /** The auth type a spec names, after checking that it names exactly one. */
  public static String type(DpsConnectionAuth auth) throws SyncFailure {
    boolean sas = auth != null && auth.getSasSecretRef() != null;
    boolean wi = auth != null && auth.getWorkloadIdentity() != null;
    if (sas == wi) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          (sas ? "spec.auth sets both sasSecretRef and workloadIdentity" : "spec.auth sets neither")
              + "; set exactly one of spec.auth.sasSecretRef and spec.auth.workloadIdentity");
    }
    return sas ? SHARED_ACCESS_KEY : WORKLOAD_IDENTITY;
  }

  /** The Secret a connection's credential lives in, if it has one. */
  public static Optional<ObjectRef> secret(DpsConnectionAuth auth, String secretNamespace) {
    return auth == null || auth.getSasSecretRef() == null
        ? Optional.empty()
        : Optional.of(ObjectRef.secret(secretNamespace, auth.getSasSecretRef().getName()));
  }

  /**
   * What a DPS client of a connection is made from: the DPS host, the credential that signs its
   * requests, and a fingerprint that changes when the credential does (never a key itself).
   */
  public record Credential(String host, DpsCredential credential, String fingerprint) {}

  /**
   * The credential of a connection whose auth type was checked with {@link #type}.
   *
   * @param material reads Secrets of the namespace the connection's Secret lives in
   * @param identities makes workload identity credentials from the operator's pod environment
   */
  public static Credential credential(
      DpsConnectionSpec spec, Material material, WorkloadIdentities identities) throws SyncFailure {
    DpsConnectionAuth auth = spec.getAuth();
    return auth.getSasSecretRef() != null
        ? sas(auth.getSasSecretRef(), material)
        : workloadIdentity(
            spec.getHost(),
            auth.getWorkloadIdentity(),
            Optional.ofNullable(spec.getCaBundle()).filter(s -> !s.isBlank()),
            identities);
  }

  /** SAS: the connection string of the Secret (host, policy and key). */
  static Credential sas(ConnectionSecretRef ref, Material material) throws SyncFailure {
    String key = ref.getKey() == null ? "connectionString" : ref.getKey();
    String value = material.secretValue(ref.getName(), key, "DPS connection string");
    ConnectionString parsed;
    try {
      parsed = ConnectionString.parse(value);
    } catch (IllegalArgumentException e) {
      // The parser's message names the problem, never the key.
      throw SyncFailure.terminal(
          Reasons.INVALID_SECRET,
          "Secret "
              + material.namespace()
              + "/"
              + ref.getName()
              + " key '"
              + key
              + "' is not a DPS connection string: "
              + e.getMessage());
    }
    return new Credential(
        parsed.scheme().map(s -> s + "://").orElse("") + parsed.hostName(),
        SasCredential.of(parsed),
        SHARED_ACCESS_KEY
            + "\n"
            + parsed.hostName()
            + "\n"
            + parsed.sharedAccessKeyName()
            + "\n"
            + parsed.sharedAccessKey()
            + "\n"
            + parsed.sharedAccessSignature());
  }

  /**
   * Entra ID workload identity: a bearer token for the connection's client and tenant id, got by
   * exchanging the pod's federated token; DPS is {@code spec.host}.
   */
  static Credential workloadIdentity(
      String host,
      WorkloadIdentityAuth auth,
      Optional<String> caBundlePem,
      WorkloadIdentities identities)
      throws SyncFailure {
    if (host == null || host.isBlank()) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          "spec.host is empty; name the DPS, e.g. mydps.azure-devices-provisioning.net");
    }
    return new Credential(
        host,
        identities.credential(auth, caBundlePem),
        WORKLOAD_IDENTITY + "\n" + auth.getClientId() + "\n" + auth.getTenantId());
  }
}
