package io.dpsoperator.operator.engine;

import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Symmetric keys the operator generates for a new record whose keys DPS would otherwise generate:
 * 64 random bytes each, base64, the size DPS itself generates. Generating them here lets the
 * operator write them to the resource's Secret before DPS holds them, and create records in bulk (a
 * bulk answer carries no keys).
 */
public final class GeneratedKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedKeys() {}

  /** A fresh primary and secondary key. */
  public static SymmetricKeyAttestation newKeys() {
    return new SymmetricKeyAttestation(key(), key());
  }

  private static String key() {
    byte[] bytes = new byte[64];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
