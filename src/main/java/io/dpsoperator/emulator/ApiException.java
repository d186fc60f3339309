package io.dpsoperator.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answer of the emulated DPS: HTTP status, six-digit error code and message. */
class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final int errorCode;
  final transient Map<String, String> headers = new LinkedHashMap<>();

  ApiException(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  ApiException header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, 400001, message);
  }

  static ApiException unauthorized(String why) {
    // The message stays "Unauthorized" like the real service; the reason is logged.
    return new UnauthorizedException(why);
  }

  /** 403: the caller is known but not allowed (an Entra ID token without the needed role). */
  static ApiException forbidden(String message) {
    return new ApiException(403, 403001, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, 404001, message);
  }

  static ApiException conflict(String message) {
    return new ApiException(409, 409001, message);
  }

  static ApiException preconditionFailed(String message) {
    return new ApiException(412, 412001, message);
  }

  /** 401 with errorCode 401002; {@link #reason} says why (for the log, not the client). */
  static final class UnauthorizedException extends ApiException {
    private static final long serialVersionUID = 1L;
    final String reason;

    UnauthorizedException(String reason) {
      super(401, 401002, "Unauthorized");
      this.reason = reason;
    }
  }
}
