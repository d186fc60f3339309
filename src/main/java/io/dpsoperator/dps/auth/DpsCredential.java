package io.dpsoperator.dps.auth;

/**
 * Supplies the {@code Authorization} header of DPS service API requests. Implementations are
 * thread-safe and cache what they can; the DPS client asks for the header before every attempt.
 */
public interface DpsCredential {
  /** The type name of shared access key (SAS) credentials. */
  String SHARED_ACCESS_KEY = "SharedAccessKey";

  /** The type name of Microsoft Entra ID workload identity credentials. */
  String WORKLOAD_IDENTITY = "WorkloadIdentity";

  /**
   * The header value, e.g. {@code SharedAccessSignature sr=...} or {@code Bearer eyJ...}; secret,
   * never logged.
   *
   * @throws DpsAuthenticationException if no header can be made (token file missing, token endpoint
   *     refused the assertion or unreachable); its message holds no secret
   */
  String authorizationHeader();

  /** {@value #SHARED_ACCESS_KEY} or {@value #WORKLOAD_IDENTITY} (for status and metrics). */
  String type();

  /**
   * Told that DPS refused the last header (HTTP 401), so that a cached token is not sent again; the
   * next {@link #authorizationHeader()} makes a new one. Does nothing by default.
   */
  default void invalidate() {}
}
