package io.dpsoperator.demo;

import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.EntraRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * What a cluster with Azure workload identity provides, played for the demo: the API server's
 * service account token issuer (a key pair that signs projected tokens) and the webhook (the token
 * file and the {@code AZURE_*} environment). The emulator is told to trust this issuer for one app
 * with the Data Contributor role, so that a connection with workload identity syncs offline.
 */
public final class DemoWorkloadIdentity {
  public static final String TENANT = "00000000-0000-4000-8000-00000000de30";
  public static final String CLIENT_ID = "00000000-0000-4000-8000-00000000c11e";
  public static final String ISSUER = "https://oidc.demo.invalid/cluster";
  public static final String AUDIENCE = "api://AzureADTokenExchange";

  private final String subject;
  private final Path tokenFile;
  private final KeyPair signer;

  /**
   * @param namespace the operator's namespace
   * @param serviceAccount the operator's ServiceAccount
   * @param directory where the token file is written, as the kubelet would mount it
   */
  public DemoWorkloadIdentity(String namespace, String serviceAccount, Path directory) {
    this.subject = "system:serviceaccount:" + namespace + ":" + serviceAccount;
    this.tokenFile = directory.resolve("azure-identity-token");
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      this.signer = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not make the demo's service account signer", e);
    }
  }

  /** The subject of the tokens: the operator's ServiceAccount. */
  public String subject() {
    return subject;
  }

  /** Configures the emulator as the Entra ID tenant that trusts this issuer's tokens. */
  public DpsEmulator.Builder configure(DpsEmulator.Builder emulator) {
    return emulator
        .entraTenant(TENANT)
        .federatedIssuerKey(ISSUER, signer.getPublic())
        .federatedCredential(CLIENT_ID, ISSUER, subject, AUDIENCE)
        .entraRole(CLIENT_ID, EntraRole.DATA_CONTRIBUTOR);
  }

  /** Writes a fresh service account token valid for {@code lifetime}, replacing the file. */
  public Path writeToken(Instant now, Duration lifetime) {
    String header = "{\"alg\":\"RS256\",\"kid\":\"demo\",\"typ\":\"JWT\"}";
    String claims =
        "{\"aud\":[\""
            + AUDIENCE
            + "\"],\"iss\":\""
            + ISSUER
            + "\",\"sub\":\""
            + subject
            + "\",\"iat\":"
            + now.getEpochSecond()
            + ",\"nbf\":"
            + now.getEpochSecond()
            + ",\"exp\":"
            + now.plus(lifetime).getEpochSecond()
            + "}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(signer.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      Path tmp = tokenFile.resolveSibling(tokenFile.getFileName() + ".tmp");
      Files.createDirectories(tokenFile.getParent());
      Files.writeString(tmp, input + "." + b64.encodeToString(s.sign()));
      Files.move(
          tmp, tokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return tokenFile;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not sign the demo's service account token", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + tokenFile, e);
    }
  }

  /** The environment the workload identity webhook injects into the operator's pod. */
  public Map<String, String> environment(DpsEmulator started) {
    return Map.of(
        "AZURE_CLIENT_ID",
        CLIENT_ID,
        "AZURE_TENANT_ID",
        TENANT,
        "AZURE_AUTHORITY_HOST",
        started.authorityHost(),
        "AZURE_FEDERATED_TOKEN_FILE",
        tokenFile.toString());
  }
}
