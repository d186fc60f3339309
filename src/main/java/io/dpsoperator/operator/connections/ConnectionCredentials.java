package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.ConnectionSecretRef;
import io.dpsoperator.api.v1alpha1.DpsConnectionAuth;
import io.dpsoperator.api.v1alpha1.WorkloadIdentityAuth;
import io.dpsoperator.dps.auth.ConnectionString;
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
   * The credential of a connection whose auth type was checked with {@link #type}.
   *
   * @param material reads Secrets of the namespace the connection's Secret lives in
   */
  public static ConnectionString credential(DpsConnectionAuth auth, Material material)
      throws SyncFailure {
    return auth.getSasSecretRef() != null
        ? sas(auth.getSasSecretRef(), material)
        : workloadIdentity(auth.getWorkloadIdentity());
  }

  /** SAS: the connection string of the Secret (host, policy and key). */
  static ConnectionString sas(ConnectionSecretRef ref, Material material) throws SyncFailure {
    String key = ref.getKey() == null ? "connectionString" : ref.getKey();
    String value = material.secretValue(ref.getName(), key, "DPS connection string");
    try {
      return ConnectionString.parse(value);
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
  }

  /**
   * Entra ID workload identity.
   *
   * <p>SEAM (issue #12): the lead wires {@code WorkloadIdentityCredential} here, which makes the
   * DPS client sign with a bearer token from the pod's federated token. Until then the connection
   * reports that this auth type is not available.
   */
  static ConnectionString workloadIdentity(WorkloadIdentityAuth auth) throws SyncFailure {
    throw SyncFailure.terminal(
        Reasons.AUTHENTICATION_UNAVAILABLE,
        "Entra ID workload identity (client "
            + auth.getClientId()
            + ", tenant "
            + auth.getTenantId()
            + ") is not available in this operator build; use spec.auth.sasSecretRef");
  }
}
