package io.dpsoperator.emulator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The emulator's TLS provider: Bouncy Castle's JSSE, with Bouncy Castle's public-key crypto (ECDSA
 * P-256 signing with a precomputed generator table, X25519) and the JDK's symmetric crypto and
 * digests (AES-GCM and SHA-2 with the CPU's instructions). A full handshake then costs the server
 * about half the JDK provider's CPU (docs/benchmarks.md). Neither provider is registered in the
 * JVM's provider list.
 */
final class TlsProvider {
  /**
   * Bouncy Castle's JSSE logs every connection at INFO, and at WARNING the JDK security properties
   * it does not parse, through java.util.logging; the emulator logs connections and handshake
   * failures itself. Held here so that the level set on it is not garbage-collected.
   */
  @SuppressWarnings("unused")
  private static final java.util.logging.Logger BC_TLS_LOG = quiet();

  /** Bouncy Castle's JCA provider, for keys and signatures; never registered globally. */
  static final Provider BC = new BouncyCastleProvider();

  /** The JSSE provider of the emulator's server TLS contexts. */
  static final Provider JSSE = new BouncyCastleJsseProvider(false, new MixedCrypto());

  private TlsProvider() {}

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  /** Public-key operations from Bouncy Castle, ciphers, MACs and digests from the JDK. */
  private static final class MixedHelper extends ProviderJcaJceHelper {
    MixedHelper() {
      super(BC);
    }

    @Override
    public Cipher createCipher(String algorithm)
        throws NoSuchAlgorithmException, NoSuchPaddingException {
      return Cipher.getInstance(algorithm);
    }

    @Override
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
      return Mac.getInstance(algorithm);
    }

    @Override
    public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
      return MessageDigest.getInstance(algorithm);
    }

    @Override
    @SuppressWarnings("deprecation")
    public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
      return MessageDigest.getInstance(algorithm);
    }
  }

  /** The JSSE provider's crypto on {@link MixedHelper}. */
  private static final class MixedCrypto extends JcaTlsCryptoProvider {
    private final MixedHelper helper = new MixedHelper();

    @Override
    public JcaTlsCrypto create(SecureRandom random) {
      return create(random, null);
    }

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
      return new JcaTlsCrypto(
          helper,
          keyRandom != null ? keyRandom : new SecureRandom(),
          nonceRandom != null ? nonceRandom : new SecureRandom()) {};
    }
  }
}
