package io.dpsoperator.dps.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * A cluster's service account token issuer for tests: signs projected-token-like JWTs (RS256) with
 * its own key, as the API server does for workload identity. Written on JDK crypto, independently
 * of the emulator's JWT code, so the two check each other.
 */
final class TestOidcIssuer {
  static final String AUDIENCE = "api://AzureADTokenExchange";

  private final String issuer;
  private final KeyPair keys;

  TestOidcIssuer(String issuer) {
    this.issuer = issuer;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      this.keys = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String issuer() {
    return issuer;
  }

  PublicKey publicKey() {
    return keys.getPublic();
  }

  /** A service account token for {@code system:serviceaccount:<namespace>:<name>}. */
  String token(String subject, String audience, Instant issuedAt, Duration lifetime) {
    String header = "{\"alg\":\"RS256\",\"kid\":\"test-sa-key\",\"typ\":\"JWT\"}";
    String claims =
        "{\"aud\":[\""
            + audience
            + "\"],\"exp\":"
            + issuedAt.plus(lifetime).getEpochSecond()
            + ",\"iat\":"
            + issuedAt.getEpochSecond()
            + ",\"nbf\":"
            + issuedAt.getEpochSecond()
            + ",\"iss\":\""
            + issuer
            + "\",\"sub\":\""
            + subject
            + "\",\"kubernetes.io\":{\"namespace\":\"dps\"}}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(keys.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a token to {@code file} the way the kubelet rotates it (atomic replace). */
  static void write(Path file, String token) throws java.io.IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, token);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
