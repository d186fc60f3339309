package io.dpsoperator.operator.secrets;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the first certificate of a PEM chain and describes it. Private keys are never read. */
public final class PemCertificates {
  private static final Pattern CERT =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

  private PemCertificates() {}

  /** The first certificate of a PEM text; a chain means its first certificate. */
  public static X509Certificate first(String pem) {
    if (pem == null) {
      throw new IllegalArgumentException("no certificate");
    }
    Matcher m = CERT.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      // The decoder's own words ("Last unit does not have enough valid bits") help nobody.
      throw new IllegalArgumentException(
          "the base64 body of the PEM certificate is malformed (truncated or edited?); export the"
              + " certificate again");
    }
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "the PEM certificate cannot be parsed: it is damaged or not an X.509 certificate;"
              + " export it again");
    }
  }

  /** The certificate as PEM text, alone. */
  public static String toPem(X509Certificate cert) {
    try {
      String b64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(cert.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded");
    }
  }

  /** SHA-256 thumbprint, upper-case hex. */
  public static String sha256(X509Certificate cert) {
    return thumbprint(cert, "SHA-256");
  }

  /** SHA-1 thumbprint, upper-case hex. */
  public static String sha1(X509Certificate cert) {
    return thumbprint(cert, "SHA-1");
  }

  private static String thumbprint(X509Certificate cert, String algorithm) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance(algorithm).digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
