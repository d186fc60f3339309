package io.dpsoperator.device;

/**
 * A device registration that did not reach a final status: DPS answered with an error, the
 * connection or TLS handshake failed, or the timeout passed. The message never holds key material
 * or a SAS token.
 */
public class DeviceRegistrationException extends RuntimeException {
  private final int httpStatus;
  private final Integer errorCode;

  /**
   * @param httpStatus the HTTP status of DPS's answer; 0 when there was none
   * @param errorCode the DPS {@code errorCode} of the answer's body; null when absent
   */
  public DeviceRegistrationException(
      String message, int httpStatus, Integer errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status DPS answered with; 0 for failures without an answer (I/O, TLS, timeout). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The six-digit DPS error code of the answer (e.g. 401002); null when the body has none. */
  public Integer errorCode() {
    return errorCode;
  }
}
