package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.WorkloadIdentityAuth;
import io.dpsoperator.dps.DpsTls;
import io.dpsoperator.dps.auth.AuthFailure;
import io.dpsoperator.dps.auth.WorkloadIdentityCredential;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Makes the Entra ID workload identity credentials of connections from the pod's environment (what
 * the Azure workload identity webhook injects), one per client id, tenant id and trust, so that the
 * clients of all connections of one identity share one cached access token.
 */
public final class WorkloadIdentities {
  private final Map<String, String> env;
  private final Supplier<Optional<String>> operatorCaPem;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final Map<String, WorkloadIdentityCredential> credentials = new ConcurrentHashMap<>();

  /**
   * @param env the {@code AZURE_*} variables of the operator's pod
   * @param operatorCaPem the operator-wide extra trust, used for the token endpoint when a
   *     connection has no CA bundle of its own
   * @param requestTimeout the time limit of one token request
   * @param connectTimeout the time limit of opening a connection to the token endpoint
   */
  public WorkloadIdentities(
      Map<String, String> env,
      Supplier<Optional<String>> operatorCaPem,
      Duration requestTimeout,
      Duration connectTimeout) {
    this.env = Map.copyOf(env);
    this.operatorCaPem = operatorCaPem;
    this.requestTimeout = requestTimeout;
    this.connectTimeout = connectTimeout;
  }

  /**
   * The credential of a connection: the pod's {@code AZURE_*} environment with the connection's
   * client and tenant id, trusting the connection's CA bundle (else the operator's) for the token
   * endpoint as for DPS.
   */
  public WorkloadIdentityCredential credential(
      WorkloadIdentityAuth auth, Optional<String> caBundlePem) throws SyncFailure {
    if (!env.containsKey("AZURE_FEDERATED_TOKEN_FILE")) {
      throw SyncFailure.terminal(
          AuthFailure.FEDERATED_TOKEN_UNAVAILABLE.reason(),
          "The operator's pod has no AZURE_FEDERATED_TOKEN_FILE: label the operator's pod"
              + " azure.workload.identity/use=true (chart value workloadIdentity.enabled) so that"
              + " the Azure workload identity webhook mounts a federated token; see"
              + " docs/workload-identity.md");
    }
    WorkloadIdentityCredential.Builder b =
        WorkloadIdentityCredential.fromEnvironment(env)
            .clientIdIfSet(auth.getClientId())
            .tenantIdIfSet(auth.getTenantId());
    Optional<String> trust;
    try {
      trust = caBundlePem.isPresent() ? caBundlePem : operatorCaPem.get();
    } catch (java.io.UncheckedIOException e) {
      throw SyncFailure.retryable(
          AuthFailure.TOKEN_EXCHANGE_FAILED.reason(),
          "The token endpoint's trust could not be read: " + e.getMessage());
    }
    String key = auth.getClientId() + "\n" + auth.getTenantId() + "\n" + trust.orElse("");
    WorkloadIdentityCredential cached = credentials.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      X509TrustManager tm = DpsTls.trustManager(trust.orElse(null));
      WorkloadIdentityCredential made =
          b.requestTimeout(requestTimeout)
              .httpClient(
                  new OkHttpClient.Builder()
                      .connectTimeout(connectTimeout)
                      .sslSocketFactory(DpsTls.socketFactory(tm), tm)
                      .build())
              .build();
      WorkloadIdentityCredential raced = credentials.putIfAbsent(key, made);
      return raced != null ? raced : made;
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The builder names the setting that is missing or malformed, never a token.
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          "The workload identity of this connection cannot be used: " + e.getMessage());
    }
  }
}
