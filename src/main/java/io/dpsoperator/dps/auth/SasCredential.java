package io.dpsoperator.dps.auth;

import java.util.Objects;

/** A shared access policy key (or a ready-made SAS token): signs SAS tokens and caches them. */
public final class SasCredential implements DpsCredential {
  private final SasTokenProvider tokens;

  /** A credential signing with {@code tokens}. */
  public SasCredential(SasTokenProvider tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** A credential for a connection string with the default token lifetime. */
  public static SasCredential of(ConnectionString connectionString) {
    return new SasCredential(new SasTokenProvider(connectionString));
  }

  @Override
  public String authorizationHeader() {
    return tokens.token();
  }

  @Override
  public String type() {
    return SHARED_ACCESS_KEY;
  }

  @Override
  public String toString() {
    return "SasCredential[" + tokens + "]";
  }
}
