package io.dpsoperator.dps;

import io.dpsoperator.dps.auth.AuthFailure;
import io.dpsoperator.dps.auth.DpsAuthenticationException;
import java.util.Optional;

/**
 * A DPS call that was not sent because its credential could not make an {@code Authorization}
 * header (status 0): the federated token file is missing, the token endpoint refused the assertion
 * or could not be reached. {@link #authFailure()} says which; it is retryable only when the token
 * endpoint was unreachable or busy. The message holds no secret.
 */
public final class DpsCredentialException extends DpsException {
  private final AuthFailure failure;
  private final boolean retryable;

  /** The failure of {@code operation} whose credential failed with {@code cause}. */
  public DpsCredentialException(String operation, DpsAuthenticationException cause) {
    super(operation, 0, null, null, "DPS " + operation + " not sent: " + cause.getMessage(), cause);
    this.failure = cause.failure();
    this.retryable = cause.isRetryable();
  }

  @Override
  public Optional<AuthFailure> authFailure() {
    return Optional.of(failure);
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }

  @Override
  public boolean isUnauthorized() {
    return !retryable;
  }
}
