package io.dpsoperator.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds the {@code authenticationKey} blob of the DPS TPM challenge with JDK crypto: an HMAC
 * identity key that only the device's TPM can import, as the official tpm-provider parses it.
 *
 * <p>Layout: TPM2B_ID_OBJECT ‖ TPM2B_ENCRYPTED_SECRET (TPM2_MakeCredential to the endorsement key,
 * bound to the storage root key's name; the credential is the AES-128 inner wrapper key) ‖
 * TPM2B_PRIVATE (the identity key duplicated for the storage root key: inner wrapper AES-128-CFB
 * with that key, outer wrapper from a seed) ‖ TPM2B_ENCRYPTED_SECRET (the outer seed, to the
 * storage root key) ‖ TPM2B_PUBLIC (the identity key) ‖ TPM2B_DATA (extra data encrypted with the
 * inner wrapper key). Algorithms per TPM 2.0 Part 1 (sections 22–24): RSA-OAEP with the key's name
 * algorithm and the labels "IDENTITY"/"DUPLICATE", KDFa (SP 800-108 counter mode, HMAC), AES-CFB
 * with a zero IV, HMAC integrity over the encrypted data and the bound name.
 */
final class TpmActivation {
  /** Bytes of the HMAC-SHA256 identity key. */
  static final int IDENTITY_KEY_BYTES = 32;

  /** Bytes of the inner wrapper key: AES-128, as the provider derives the size from it. */
  static final int WRAP_KEY_BYTES = 16;

  private TpmActivation() {}

  /**
   * The blob that gives the TPM holding {@code ek} and {@code srk} the HMAC key {@code
   * identityKey}.
   */
  static byte[] authenticationKey(
      TpmPublic ek, TpmPublic srk, byte[] identityKey, byte[] extraData, SecureRandom random) {
    byte[] innerWrapKey = random(random, WRAP_KEY_BYTES);
    byte[] obfuscation = random(random, TpmPublic.digest(TpmPublic.ALG_SHA256).length);
    TpmPublic identity = TpmPublic.hmacIdentity(obfuscation, identityKey);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // TPM2_MakeCredential: the inner wrapper key, for ActivateCredential(srk, ek).
    Wrapped credential = wrap(ek, "IDENTITY", srk.name(), sized(innerWrapKey), random);
    TpmPublic.putSized(out, credential.integrityAndData());
    TpmPublic.putSized(out, credential.encryptedSeed());

    // The duplicate of the identity key for TPM2_Import under the storage root key.
    ByteArrayOutputStream sensitive = new ByteArrayOutputStream();
    TpmPublic.putU16(sensitive, TpmPublic.ALG_KEYEDHASH);
    TpmPublic.putSized(sensitive, new byte[0]);
    TpmPublic.putSized(sensitive, obfuscation);
    TpmPublic.putSized(sensitive, identityKey);
    byte[] sensitive2b = sized(sensitive.toByteArray());
    byte[] innerIntegrity = TpmPublic.digest(identity.nameAlg(), sensitive2b, identity.name());
    byte[] inner = cfb(innerWrapKey, concat(sized(innerIntegrity), sensitive2b));
    Wrapped duplicate = wrap(srk, "DUPLICATE", identity.name(), inner, random);
    TpmPublic.putSized(out, duplicate.integrityAndData());
    TpmPublic.putSized(out, duplicate.encryptedSeed());

    out.writeBytes(identity.sized());
    TpmPublic.putSized(out, cfb(innerWrapKey, extraData));
    return out.toByteArray();
  }

  /** An outer-wrapped secret: size-prefixed HMAC followed by the data, and the encrypted seed. */
  private record Wrapped(byte[] integrityAndData, byte[] encryptedSeed) {}

  /**
   * The TPM's outer wrapper (MakeCredential and Duplicate share it): a random seed encrypted to
   * {@code key} with OAEP, a storage key and an HMAC key derived from it, the data encrypted and
   * its integrity bound to {@code name}.
   */
  private static Wrapped wrap(
      TpmPublic key, String label, byte[] name, byte[] plain, SecureRandom random) {
    int digestBytes = TpmPublic.digest(key.nameAlg()).length;
    byte[] seed = random(random, digestBytes);
    byte[] symKey = kdfa(key.nameAlg(), seed, "STORAGE", name, new byte[0], key.symmetricKeyBits());
    byte[] encrypted = cfb(symKey, plain);
    byte[] hmacKey =
        kdfa(key.nameAlg(), seed, "INTEGRITY", new byte[0], new byte[0], digestBytes * 8);
    byte[] integrity = hmac(key.nameAlg(), hmacKey, concat(encrypted, name));
    return new Wrapped(concat(sized(integrity), encrypted), oaep(key, seed, label));
  }

  /** KDFa of TPM 2.0 Part 1, 11.4.10.2: SP 800-108 in counter mode with HMAC of {@code alg}. */
  static byte[] kdfa(
      int alg, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
    byte[] out = new byte[(bits + 7) / 8];
    int done = 0;
    for (int counter = 1; done < out.length; counter++) {
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      TpmPublic.putU32(in, counter);
      in.writeBytes(label(label));
      in.writeBytes(contextU);
      in.writeBytes(contextV);
      TpmPublic.putU32(in, bits);
      byte[] block = hmac(alg, key, in.toByteArray());
      int n = Math.min(block.length, out.length - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  static byte[] hmac(int alg, byte[] key, byte[] data) {
    String name = "Hmac" + TpmPublic.digestName(alg).replace("-", "");
    try {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(key, name));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** AES in CFB-128 mode with a zero IV, encrypting (the TPM's parameter encryption mode). */
  static byte[] cfb(byte[] key, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] oaep(TpmPublic key, byte[] data, String label) {
    String digest = TpmPublic.digestName(key.nameAlg());
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          key.rsaKey(),
          new OAEPParameterSpec(
              digest, "MGF1", new MGF1ParameterSpec(digest), new PSource.PSpecified(label(label))));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new TpmPublic.InvalidKeyException("cannot encrypt to the key: " + e.getMessage());
    }
  }

  /** A TPM label: the string's bytes with the terminating zero. */
  private static byte[] label(String s) {
    return concat(s.getBytes(StandardCharsets.US_ASCII), new byte[1]);
  }

  private static byte[] sized(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TpmPublic.putSized(out, b);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] random(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
