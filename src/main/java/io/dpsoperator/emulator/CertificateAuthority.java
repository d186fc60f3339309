package io.dpsoperator.emulator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for tests, demos and the emulator's own TLS: roots, intermediates,
 * device leaves and server certificates (EC P-256, SHA-256), with PEM helpers.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final List<X509Certificate> issuerChain;

  private CertificateAuthority(
      X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> issuerChain) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.issuerChain = List.copyOf(issuerChain);
  }

  /** A certificate with its private key and the chain of CA certificates above it. */
  public record IssuedCertificate(
      X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> issuerChain) {

    /** The certificate as PEM. */
    public String certificatePem() {
      return toPem(List.of(certificate));
    }

    /** The private key as PKCS#8 PEM. */
    public String privateKeyPem() {
      return toPem(privateKey);
    }

    /** The certificate followed by its issuers (intermediates and root) as PEM. */
    public String chainPem() {
      return toPem(chain());
    }

    /** The certificate followed by its issuers. */
    public List<X509Certificate> chain() {
      List<X509Certificate> all = new ArrayList<>();
      all.add(certificate);
      all.addAll(issuerChain);
      return all;
    }

    /** The subject common name. */
    public String commonName() {
      return CertificateAuthority.commonName(certificate);
    }
  }

  /** Creates a self-signed root CA with the given common name. */
  public static CertificateAuthority createRoot(String commonName) {
    KeyPair keys = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    X509Certificate cert =
        build(
            name,
            keys.getPublic(),
            name,
            keys.getPrivate(),
            null,
            DEFAULT_VALIDITY.multipliedBy(10),
            true,
            List.of(),
            List.of());
    return new CertificateAuthority(cert, keys.getPrivate(), List.of());
  }

  /** Loads a CA from PEM (certificate, optionally followed by its issuers, and private key). */
  public static CertificateAuthority load(String certificatePem, String privateKeyPem) {
    List<X509Certificate> certs = readCertificates(certificatePem);
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("No certificate in PEM");
    }
    return new CertificateAuthority(
        certs.get(0), readPrivateKey(privateKeyPem), certs.subList(1, certs.size()));
  }

  /** Creates an intermediate CA signed by this CA. */
  public CertificateAuthority createIntermediate(String commonName) {
    KeyPair keys = newKeyPair();
    X509Certificate cert =
        build(
            new X500Name("CN=" + commonName),
            keys.getPublic(),
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            privateKey,
            certificate,
            DEFAULT_VALIDITY.multipliedBy(5),
            true,
            List.of(),
            List.of());
    return new CertificateAuthority(cert, keys.getPrivate(), chain());
  }

  /** Issues a device (client authentication) certificate whose CN is the registration id. */
  public IssuedCertificate issueLeaf(String commonName) {
    return issueLeaf(commonName, Instant.now().minus(Duration.ofMinutes(5)), DEFAULT_VALIDITY);
  }

  /** Issues a device certificate valid from {@code notBefore} for {@code validity}. */
  public IssuedCertificate issueLeaf(String commonName, Instant notBefore, Duration validity) {
    KeyPair keys = newKeyPair();
    X509Certificate cert =
        build(
            new X500Name("CN=" + commonName),
            keys.getPublic(),
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            privateKey,
            certificate,
            notBefore,
            validity,
            false,
            List.of(KeyPurposeId.id_kp_clientAuth),
            List.of());
    return new IssuedCertificate(cert, keys.getPrivate(), chain());
  }

  /** Issues a TLS server certificate for the given DNS names and IP addresses. */
  public IssuedCertificate issueServer(List<String> dnsNames, List<String> ipAddresses) {
    KeyPair keys = newKeyPair();
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
    String cn = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    X509Certificate cert =
        build(
            new X500Name("CN=" + cn),
            keys.getPublic(),
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            privateKey,
            certificate,
            DEFAULT_VALIDITY,
            false,
            List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
            sans);
    return new IssuedCertificate(cert, keys.getPrivate(), chain());
  }

  /** This CA's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** This CA's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** This CA's certificate followed by its issuers. */
  public List<X509Certificate> chain() {
    List<X509Certificate> all = new ArrayList<>();
    all.add(certificate);
    all.addAll(issuerChain);
    return all;
  }

  /** This CA's certificate as PEM. */
  public String certificatePem() {
    return toPem(List.of(certificate));
  }

  /** This CA's private key as PKCS#8 PEM. */
  public String privateKeyPem() {
    return toPem(privateKey);
  }

  // ---------------------------------------------------------------- PEM helpers

  /** Encodes certificates as concatenated PEM blocks. */
  public static String toPem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    try {
      for (X509Certificate c : certificates) {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** Encodes a private key as PKCS#8 PEM. */
  public static String toPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Reads all certificates from PEM text. */
  public static List<X509Certificate> readCertificates(String pem) {
    List<X509Certificate> certs = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("Invalid certificate PEM: " + e.getMessage(), e);
    }
    return certs;
  }

  /** Parses one certificate given as PEM or as base64 DER. */
  public static X509Certificate parseCertificate(String pemOrBase64) {
    String text = pemOrBase64.trim();
    try {
      if (text.contains("-----BEGIN")) {
        List<X509Certificate> certs = readCertificates(text);
        if (certs.isEmpty()) {
          throw new IllegalArgumentException("No certificate in PEM");
        }
        return certs.get(0);
      }
      byte[] der = Base64.getMimeDecoder().decode(text);
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid certificate: " + e.getMessage(), e);
    }
  }

  /** Reads a private key from PEM (PKCS#8, PKCS#1 RSA or SEC1 EC). */
  public static PrivateKey readPrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid private key PEM: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("No private key in PEM");
  }

  /** Reads a public key from PEM: a {@code PUBLIC KEY} (SubjectPublicKeyInfo) or a certificate. */
  public static java.security.PublicKey readPublicKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info) {
          return converter.getPublicKey(info);
        }
        if (o instanceof X509CertificateHolder holder) {
          return converter.getPublicKey(holder.getSubjectPublicKeyInfo());
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid public key PEM: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("No public key or certificate in PEM");
  }

  /** The CN of a certificate's subject, or the whole subject if it has no CN. */
  public static String commonName(X509Certificate certificate) {
    String dn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    try {
      for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return dn;
    }
    return dn;
  }

  // ---------------------------------------------------------------- internals

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(
      X500Name subject,
      java.security.PublicKey subjectKey,
      X500Name issuer,
      PrivateKey issuerKey,
      X509Certificate issuerCert,
      Duration validity,
      boolean ca,
      List<KeyPurposeId> extendedUsages,
      List<GeneralName> sans) {
    return build(
        subject,
        subjectKey,
        issuer,
        issuerKey,
        issuerCert,
        Instant.now().minus(Duration.ofMinutes(5)),
        validity,
        ca,
        extendedUsages,
        sans);
  }

  private static X509Certificate build(
      X500Name subject,
      java.security.PublicKey subjectKey,
      X500Name issuer,
      PrivateKey issuerKey,
      X509Certificate issuerCert,
      Instant notBefore,
      Duration validity,
      boolean ca,
      List<KeyPurposeId> extendedUsages,
      List<GeneralName> sans) {
    try {
      BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              serial,
              Date.from(notBefore),
              Date.from(notBefore.plus(validity)),
              subject,
              subjectKey);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      if (issuerCert != null) {
        builder.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            utils.createAuthorityKeyIdentifier(issuerCert));
      }
      builder.addExtension(
          Extension.keyUsage,
          true,
          ca
              ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
              : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      if (!extendedUsages.isEmpty()) {
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(extendedUsages.toArray(KeyPurposeId[]::new)));
      }
      if (!sans.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      String algorithm =
          issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("Could not create certificate: " + e.getMessage(), e);
    }
  }

  /** True if the text is an IP address literal (v4 or v6). */
  static boolean isIpLiteral(String host) {
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        InetAddress.getByName(host);
        return true;
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
