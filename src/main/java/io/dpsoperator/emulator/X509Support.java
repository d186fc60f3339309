package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/** X.509 helpers: the {@code info} block, thumbprints and chain checks. */
final class X509Support {
  private X509Support() {}

  static String sha1(X509Certificate c) {
    return digest("SHA-1", c);
  }

  static String sha256(X509Certificate c) {
    return digest("SHA-256", c);
  }

  private static String digest(String algorithm, X509Certificate c) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance(algorithm).digest(c.getEncoded()))
          .toUpperCase(Locale.ROOT);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String der64(X509Certificate c) {
    try {
      return java.util.Base64.getEncoder().encodeToString(c.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The 8-field {@code X509CertificateInfo} of a certificate. */
  static ObjectNode info(X509Certificate c) {
    ObjectNode info = Json.object();
    info.put("subjectName", name(c.getSubjectX500Principal()));
    info.put("sha1Thumbprint", sha1(c));
    info.put("sha256Thumbprint", sha256(c));
    info.put("issuerName", name(c.getIssuerX500Principal()));
    info.put("notBeforeUtc", Json.time(c.getNotBefore().toInstant()));
    info.put("notAfterUtc", Json.time(c.getNotAfter().toInstant()));
    info.put("serialNumber", c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    info.put("version", c.getVersion());
    return info;
  }

  /** A distinguished name in the .NET style: {@code CN=x, O=y, C=z}. */
  static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC1779);
  }

  static boolean thumbprintMatches(X509Certificate c, String thumbprint) {
    if (thumbprint == null) {
      return false;
    }
    String t = thumbprint.replace(":", "").trim();
    return t.equalsIgnoreCase(sha1(c)) || t.equalsIgnoreCase(sha256(c));
  }

  static boolean validAt(X509Certificate c, Instant now) {
    return !now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant());
  }

  /** True if {@code issuer} signed {@code subject}. */
  static boolean signedBy(X509Certificate subject, X509Certificate issuer) {
    if (!subject.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      subject.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The longest prefix of the presented chain (leaf first) in which every certificate is signed by
   * the next one and is currently valid.
   */
  static List<X509Certificate> verifiedPrefix(List<X509Certificate> presented, Instant now) {
    int n = 0;
    while (n < presented.size() && validAt(presented.get(n), now)) {
      n++;
      if (n < presented.size() && !signedBy(presented.get(n - 1), presented.get(n))) {
        break;
      }
    }
    return presented.subList(0, n);
  }
}
