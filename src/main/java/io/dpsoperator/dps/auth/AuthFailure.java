package io.dpsoperator.dps.auth;

/**
 * Why authenticating to DPS failed, one value per thing the user must fix; {@link #reason()} is the
 * CamelCase condition reason a status shows for it.
 */
public enum AuthFailure {
  /** DPS refused the credential (HTTP 401): a wrong or rotated key, a bad or expired token. */
  UNAUTHORIZED("Unauthorized"),
  /** DPS accepted who the caller is but it lacks the right or role for the call (HTTP 403). */
  FORBIDDEN("Forbidden"),
  /**
   * The Entra ID token endpoint refused to exchange the federated token (e.g. AADSTS70021: no
   * federated credential matches its issuer, subject and audience), or could not be reached.
   */
  TOKEN_EXCHANGE_FAILED("TokenExchangeFailed"),
  /** The federated (service account) token file is missing, unreadable or not a JWT. */
  FEDERATED_TOKEN_UNAVAILABLE("FederatedTokenUnavailable"),
  /** The federated token in the file has expired (the kubelet stopped rotating it). */
  FEDERATED_TOKEN_EXPIRED("FederatedTokenExpired");

  private final String reason;

  AuthFailure(String reason) {
    this.reason = reason;
  }

  /** The condition reason, e.g. {@code TokenExchangeFailed}. */
  public String reason() {
    return reason;
  }
}
