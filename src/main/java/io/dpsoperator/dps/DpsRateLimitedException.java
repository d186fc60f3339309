package io.dpsoperator.dps;

/**
 * A call the client did not send because its own rate limiter gave no permit in time: nothing
 * reached DPS, so the caller may wait and send it again without any doubt about its effect.
 */
public final class DpsRateLimitedException extends DpsException {

  public DpsRateLimitedException(String operation, String message) {
    super(operation, 0, null, null, message, null);
  }
}
