package io.dpsoperator.emulator;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * The public area of a TPM 2.0 RSA key (TPMT_PUBLIC) as a device presents its endorsement key and
 * storage root key, and the keyed-hash identity key the emulator issues. Only what the TPM
 * attestation flow needs: parse, marshal, compute the TPM name.
 */
record TpmPublic(
    int type,
    int nameAlg,
    int attributes,
    byte[] authPolicy,
    int symmetricAlg,
    int symmetricKeyBits,
    int symmetricMode,
    int keyBits,
    long exponent,
    byte[] modulus,
    byte[] marshalled) {

  static final int ALG_RSA = 0x0001;
  static final int ALG_SHA1 = 0x0004;
  static final int ALG_HMAC = 0x0005;
  static final int ALG_AES = 0x0006;
  static final int ALG_KEYEDHASH = 0x0008;
  static final int ALG_SHA256 = 0x000B;
  static final int ALG_SHA384 = 0x000C;
  static final int ALG_SHA512 = 0x000D;
  static final int ALG_NULL = 0x0010;
  static final int ALG_ECC = 0x0023;
  static final int ALG_CFB = 0x0043;

  static final int USER_WITH_AUTH = 0x40;
  static final int SIGN = 0x40000;

  /** Thrown when bytes are not a public area this flow can use; the message says why. */
  static final class InvalidKeyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidKeyException(String message) {
      super(message);
    }
  }

  /**
   * Parses a TPM2B_PUBLIC (size-prefixed, as the SDKs send it) or a bare TPMT_PUBLIC holding an RSA
   * key with a NULL scheme (an endorsement or storage key).
   */
  static TpmPublic parseRsa(byte[] bytes) {
    if (bytes.length >= 2 && ((bytes[0] & 0xff) << 8 | (bytes[1] & 0xff)) == bytes.length - 2) {
      bytes = Arrays.copyOfRange(bytes, 2, bytes.length);
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int type = u16(in);
      if (type == ALG_ECC) {
        throw new InvalidKeyException("ECC keys are not supported; use an RSA 2048 key");
      }
      if (type != ALG_RSA) {
        throw new InvalidKeyException("not an RSA public area (type 0x" + hex(type) + ")");
      }
      int nameAlg = u16(in);
      digestName(nameAlg);
      int attributes = in.getInt();
      byte[] authPolicy = sized(in);
      int symAlg = u16(in);
      int symBits = 0;
      int symMode = ALG_NULL;
      if (symAlg != ALG_NULL) {
        symBits = u16(in);
        symMode = u16(in);
      }
      if (symAlg != ALG_AES || symMode != ALG_CFB) {
        throw new InvalidKeyException("the key's symmetric algorithm is not AES-CFB");
      }
      int scheme = u16(in);
      if (scheme != ALG_NULL) {
        throw new InvalidKeyException("the key has a scheme; a storage key has none");
      }
      int keyBits = u16(in);
      long exponent = in.getInt() & 0xffffffffL;
      byte[] modulus = sized(in);
      if (in.hasRemaining()) {
        throw new InvalidKeyException("trailing bytes after the public area");
      }
      if (modulus.length * 8 != keyBits) {
        throw new InvalidKeyException("the modulus does not have " + keyBits + " bits");
      }
      return new TpmPublic(
          type,
          nameAlg,
          attributes,
          authPolicy,
          symAlg,
          symBits,
          symMode,
          keyBits,
          exponent == 0 ? 65537 : exponent,
          modulus,
          bytes);
    } catch (BufferUnderflowException e) {
      throw new InvalidKeyException("truncated TPM public area");
    }
  }

  /**
   * The public area of an HMAC-SHA256 identity key (keyed hash, sign, userWithAuth; not fixedTPM or
   * fixedParent, so that it can be imported) whose unique field binds {@code obfuscation} and
   * {@code key}.
   */
  static TpmPublic hmacIdentity(byte[] obfuscation, byte[] key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    putU16(out, ALG_KEYEDHASH);
    putU16(out, ALG_SHA256);
    putU32(out, USER_WITH_AUTH | SIGN);
    putSized(out, new byte[0]);
    putU16(out, ALG_HMAC);
    putU16(out, ALG_SHA256);
    putSized(out, digest(ALG_SHA256, obfuscation, key));
    return new TpmPublic(
        ALG_KEYEDHASH,
        ALG_SHA256,
        USER_WITH_AUTH | SIGN,
        new byte[0],
        ALG_NULL,
        0,
        ALG_NULL,
        0,
        0,
        new byte[0],
        out.toByteArray());
  }

  /** The TPM name: nameAlg followed by the nameAlg digest of the marshalled public area. */
  byte[] name() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    putU16(out, nameAlg);
    out.writeBytes(digest(nameAlg, marshalled));
    return out.toByteArray();
  }

  /** The TPM2B_PUBLIC form: the marshalled area with its size. */
  byte[] sized() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    putSized(out, marshalled);
    return out.toByteArray();
  }

  /** The RSA key as a JDK public key. */
  PublicKey rsaKey() {
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(
              new RSAPublicKeySpec(new BigInteger(1, modulus), BigInteger.valueOf(exponent)));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException("not a usable RSA key: " + e.getMessage());
    }
  }

  /** True if both are the same RSA key (modulus and exponent). */
  boolean sameKey(TpmPublic other) {
    return exponent == other.exponent && Arrays.equals(modulus, other.modulus);
  }

  /** The JDK name of a TPM hash algorithm; InvalidKeyException for others. */
  static String digestName(int alg) {
    return switch (alg) {
      case ALG_SHA1 -> "SHA-1";
      case ALG_SHA256 -> "SHA-256";
      case ALG_SHA384 -> "SHA-384";
      case ALG_SHA512 -> "SHA-512";
      default -> throw new InvalidKeyException("unsupported name algorithm 0x" + hex(alg));
    };
  }

  static byte[] digest(int alg, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(digestName(alg));
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static void putU16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  static void putU32(ByteArrayOutputStream out, int v) {
    putU16(out, v >>> 16);
    putU16(out, v & 0xffff);
  }

  /** A TPM2B: a 16-bit size, then the bytes. */
  static void putSized(ByteArrayOutputStream out, byte[] b) {
    putU16(out, b.length);
    out.writeBytes(b);
  }

  private static int u16(ByteBuffer in) {
    return in.getShort() & 0xffff;
  }

  private static byte[] sized(ByteBuffer in) {
    byte[] b = new byte[u16(in)];
    in.get(b);
    return b;
  }

  private static String hex(int v) {
    return String.format("%04x", v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmPublic p && Arrays.equals(marshalled, p.marshalled);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(marshalled);
  }

  @Override
  public String toString() {
    return "TpmPublic[type=0x" + hex(type) + ", bits=" + keyBits + "]";
  }
}
