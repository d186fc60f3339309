package io.dpsoperator.device;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * TLS material of the device client: the trust store (system CAs plus an optional PEM CA) and the
 * X.509 identity a device presents. Certificate and host-name verification always stay on.
 */
final class DeviceTls {
  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

  private DeviceTls() {}

  /** A device's TLS client identity: its certificate chain (leaf first) and private key. */
  record Identity(List<X509Certificate> chain, PrivateKey privateKey) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    /** The leaf's common name, which is the device's registration id. */
    String commonName() {
      X500Name subject = X500Name.getInstance(leaf().getSubjectX500Principal().getEncoded());
      RDN[] cn = subject.getRDNs(BCStyle.CN);
      if (cn.length == 0) {
        throw new IllegalArgumentException(
            "Device certificate has no CN, so it names no registration id: "
                + leaf().getSubjectX500Principal());
      }
      return IETFUtils.valueToString(cn[0].getFirst().getValue());
    }
  }

  /** The system trust store's CAs, plus the certificates of {@code extraCaPem} when not null. */
  static X509TrustManager trustManager(String extraCaPem) {
    try {
      KeyStore store = null;
      if (extraCaPem != null) {
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        X509Certificate[] system = trustManagerFor(null).getAcceptedIssuers();
        for (int i = 0; i < system.length; i++) {
          store.setCertificateEntry("system-" + i, system[i]);
        }
        List<X509Certificate> extra = parseCertificates(extraCaPem, "Trusted CA PEM");
        for (int i = 0; i < extra.size(); i++) {
          store.setCertificateEntry("extra-" + i, extra.get(i));
        }
      }
      return trustManagerFor(store);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not build the device client's trust store", e);
    }
  }

  /**
   * A TLS context that trusts {@code trustManager} and, when not null, presents {@code identity}.
   */
  static SSLContext sslContext(X509TrustManager trustManager, Identity identity) {
    try {
      KeyManager[] keyManagers = identity == null ? null : new KeyManager[] {keyManager(identity)};
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not initialise TLS", e);
    }
  }

  /**
   * Parses a device identity: the certificate chain (leaf first) and its private key in PEM, PKCS#8
   * ({@code PRIVATE KEY}) or the PKCS#1/SEC1 forms ({@code RSA PRIVATE KEY}, {@code EC PRIVATE
   * KEY}). Encrypted keys are refused. Messages never quote the key.
   */
  static Identity parseIdentity(String certChainPem, String privateKeyPem) {
    List<X509Certificate> chain = parseCertificates(certChainPem, "Device certificate PEM");
    PrivateKey key = parsePrivateKey(privateKeyPem);
    checkKeyMatches(chain.get(0), key);
    return new Identity(List.copyOf(chain), key);
  }

  static List<X509Certificate> parseCertificates(String pem, String what) {
    if (pem == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher m = PEM_CERTIFICATE.matcher(pem);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " holds a certificate that cannot be parsed: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          what + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  static PrivateKey parsePrivateKey(String pem) {
    if (pem == null) {
      throw new IllegalArgumentException("Device private key PEM is missing");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      // An "EC PARAMETERS" block may precede the key; skip whatever is not a key.
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return toJdkKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return toJdkKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              "Device private key is encrypted; give it unencrypted (PKCS#8 or PKCS#1/SEC1 PEM)");
        }
      }
    } catch (IOException e) {
      // PEMParser's messages can quote the offending text, which is key material here.
      throw new IllegalArgumentException(
          "Device private key PEM cannot be parsed (" + e.getClass().getSimpleName() + ")");
    }
    throw new IllegalArgumentException(
        "Device private key PEM holds no private key (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
  }

  /**
   * The key through the JDK's own providers (BouncyCastle's converter asks for an "ECDSA" key
   * factory, which only the BC provider has, and this client registers no provider).
   */
  private static PrivateKey toJdkKey(PrivateKeyInfo info) throws IOException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      algorithm = "RSA";
    } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      algorithm = "EC";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      algorithm = "Ed25519";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
      algorithm = "Ed448";
    } else {
      throw new IllegalArgumentException(
          "Device private key has an unsupported algorithm " + oid.getId() + "; use RSA or EC");
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Device private key cannot be read as an " + algorithm + " key", e);
    }
  }

  /**
   * Refuses a key that does not belong to the leaf, which would otherwise fail in the handshake.
   */
  private static void checkKeyMatches(X509Certificate leaf, PrivateKey key) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return; // Unknown algorithm: let the handshake decide.
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // A key of another type than the certificate's lands here too.
    }
    throw new IllegalArgumentException(
        "Device private key does not match the first certificate of the chain (subject "
            + leaf.getSubjectX500Principal()
            + ")");
  }

  static X509ExtendedKeyManager keyManager(Identity identity)
      throws GeneralSecurityException, IOException {
    char[] password = "device".toCharArray(); // Protects an in-memory store only.
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "device",
        identity.privateKey(),
        password,
        identity.chain().toArray(new X509Certificate[0]));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    for (KeyManager km : factory.getKeyManagers()) {
      if (km instanceof X509ExtendedKeyManager x509) {
        return new AnyIssuerKeyManager(x509);
      }
    }
    throw new IllegalStateException("The JVM has no X.509 key manager");
  }

  private static X509TrustManager trustManagerFor(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("The JVM has no X.509 trust manager");
  }

  /**
   * Presents the device's only identity whatever CA names the server lists: a DPS group may trust
   * an intermediate the server does not advertise, and an empty or partial list must not silently
   * turn the device into an anonymous client. The key type is still matched by the delegate.
   */
  private static final class AnyIssuerKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;

    AnyIssuerKeyManager(X509ExtendedKeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseClientAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return delegate.chooseEngineClientAlias(keyType, null, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
