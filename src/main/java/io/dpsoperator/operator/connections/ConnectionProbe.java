package io.dpsoperator.operator.connections;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsCredentialException;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.DpsRateLimitedException;
import io.dpsoperator.dps.auth.AuthFailure;
import io.dpsoperator.operator.sync.DpsFailures;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;

/**
 * The cheap authenticated call that tells whether a connection works: a query of one page of one
 * enrollment ({@code x-ms-max-item-count: 1}), which needs the EnrollmentRead right.
 */
public final class ConnectionProbe {
  private ConnectionProbe() {}

  /** Returns when DPS answered the query; otherwise the failure, with its own reason. */
  public static void check(DpsClient client) throws SyncFailure {
    try {
      client.queryIndividualEnrollments(1, null);
    } catch (DpsRateLimitedException e) {
      throw SyncFailure.retryable(
          Reasons.THROTTLED,
          "The connection's own rate limit (spec.rateLimitPerMinute) is spent; checking again"
              + " later");
    } catch (DpsException e) {
      throw classify(client.hostName(), e);
    }
  }

  static SyncFailure classify(String host, DpsException e) {
    if (e instanceof DpsCredentialException) {
      // Not sent: the credential could not make a header (token file, token endpoint). Its own
      // reason (AuthFailure.reason()) and a message that names what to fix, never a token.
      return DpsFailures.classify(e);
    }
    if (e.status() == 401) {
      return SyncFailure.terminal(
          AuthFailure.UNAUTHORIZED.reason(),
          "DPS "
              + host
              + " refused the credentials (HTTP 401): the key or token is wrong or expired, or"
              + " the shared access policy lacks the EnrollmentRead right, or the Entra ID token"
              + " is not for this DPS; fix the credential and the operator checks again");
    }
    if (e.status() == 403) {
      return SyncFailure.terminal(
          AuthFailure.FORBIDDEN.reason(),
          "DPS "
              + host
              + " accepted the identity but refused the query (HTTP 403): give the identity the"
              + " role Device Provisioning Service Data Contributor on the DPS");
    }
    if (e.status() == 0) {
      return SyncFailure.retryable(
          Reasons.UNREACHABLE,
          "DPS "
              + host
              + " could not be reached (connection refused, timed out, or its TLS certificate is"
              + " not trusted: set spec.caBundle for a private CA)");
    }
    SyncFailure f = DpsFailures.classify(e);
    return new SyncFailure(f.reason(), f.getMessage(), f.isRetryable());
  }
}
