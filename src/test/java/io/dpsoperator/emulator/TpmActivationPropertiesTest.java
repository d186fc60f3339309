package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import tss.Crypto;
import tss.TpmBuffer;
import tss.tpm.TPM2B_DATA;
import tss.tpm.TPM2B_ENCRYPTED_SECRET;
import tss.tpm.TPM2B_ID_OBJECT;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_KEYEDHASH_PARMS;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SCHEME_HMAC;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;

/**
 * The emulator's TPM structures and KDF against TSS.Java (Microsoft's TPM library, written
 * independently from the TPM 2.0 specification): KDFa output, public-area parsing and names, and
 * the layout of the challenge blob as the official provider parses it. That the blob works in a TPM
 * is {@link TpmActivationSwtpmPropertiesTest}'s and {@link TpmAttestationTest}'s part.
 */
class TpmActivationPropertiesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final RSAPublicKey[] KEYS = new RSAPublicKey[3];

  static {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      for (int i = 0; i < KEYS.length; i++) {
        KEYS[i] = (RSAPublicKey) g.generateKeyPair().getPublic();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RSA storage key's public area as TSS.Java builds it. */
  private static TPMT_PUBLIC storageKey(RSAPublicKey key, byte[] policy, boolean defaultExponent) {
    byte[] modulus = unsigned(key.getModulus());
    return new TPMT_PUBLIC(
        TPM_ALG_ID.SHA256,
        new TPMA_OBJECT(
            TPMA_OBJECT.restricted,
            TPMA_OBJECT.decrypt,
            TPMA_OBJECT.fixedTPM,
            TPMA_OBJECT.fixedParent,
            TPMA_OBJECT.sensitiveDataOrigin),
        policy,
        new TPMS_RSA_PARMS(
            new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB),
            new TPMS_NULL_ASYM_SCHEME(),
            2048,
            defaultExponent ? 0 : key.getPublicExponent().intValue()),
        new TPM2B_PUBLIC_KEY_RSA(modulus));
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  @Provide
  Arbitrary<Integer> keyIndex() {
    return Arbitraries.integers().between(0, KEYS.length - 1);
  }

  @Property(tries = 200)
  void kdfaMatchesTssJava(
      @ForAll @Size(min = 1, max = 64) byte[] key,
      @ForAll("labels") String label,
      @ForAll @Size(max = 40) byte[] contextU,
      @ForAll @Size(max = 40) byte[] contextV,
      @ForAll @IntRange(min = 1, max = 80) int bytes) {
    assertThat(TpmActivation.kdfa(TpmPublic.ALG_SHA256, key, label, contextU, contextV, bytes * 8))
        .isEqualTo(Crypto.KDFa(TPM_ALG_ID.SHA256, key, label, contextU, contextV, bytes * 8));
  }

  /**
   * The labels of the flow and other short ones. TSS.Java 1.0.0 encodes a label of ten or more
   * characters with stray zero bytes (it takes a CharsetEncoder's whole backing array), so longer
   * labels would test its bug, not ours.
   */
  @Provide
  Arbitrary<String> labels() {
    return Arbitraries.oneOf(
        Arbitraries.of("STORAGE", "INTEGRITY", "IDENTITY", "DUPLICATE"),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(9));
  }

  @Property(tries = 50)
  void parsesTssPublicAreasAndComputesTheirNames(
      @ForAll("keyIndex") int k,
      @ForAll @Size(max = 64) byte[] policy,
      @ForAll boolean sized,
      @ForAll boolean defaultExponent) {
    TPMT_PUBLIC pub = storageKey(KEYS[k], policy, defaultExponent);
    byte[] wire = sized ? new TPM2B_PUBLIC(pub).toTpm() : pub.toTpm();

    TpmPublic parsed = TpmPublic.parseRsa(wire);

    assertThat(parsed.name()).isEqualTo(pub.getName());
    assertThat(parsed.sized()).isEqualTo(new TPM2B_PUBLIC(pub).toTpm());
    assertThat(parsed.rsaKey()).isEqualTo(KEYS[k]);
    assertThat(parsed.symmetricKeyBits()).isEqualTo(128);
    assertThat(parsed.sameKey(TpmPublic.parseRsa(storageKey(KEYS[k], new byte[0], true).toTpm())))
        .isTrue();
    assertThat(
            parsed.sameKey(
                TpmPublic.parseRsa(
                    storageKey(KEYS[(k + 1) % KEYS.length], policy, defaultExponent).toTpm())))
        .isFalse();
  }

  @Property(tries = 100)
  void truncatedPublicAreasAreRefusedWithAReason(
      @ForAll("keyIndex") int k, @ForAll @IntRange(min = 0, max = 300) int cut) {
    byte[] wire = new TPM2B_PUBLIC(storageKey(KEYS[k], new byte[0], true)).toTpm();
    byte[] truncated = Arrays.copyOf(wire, Math.min(cut, wire.length - 1));
    assertThatThrownBy(() -> TpmPublic.parseRsa(truncated))
        .isInstanceOf(TpmPublic.InvalidKeyException.class)
        .hasMessageNotContaining("Exception");
  }

  @Property(tries = 30)
  void theChallengeBlobHasTheLayoutTheProviderParses(
      @ForAll("keyIndex") int ek,
      @ForAll("keyIndex") int srk,
      @ForAll @Size(value = TpmActivation.IDENTITY_KEY_BYTES) byte[] identityKey,
      @ForAll @Size(min = 1, max = 64) byte[] extra) {
    TpmPublic ekPub = TpmPublic.parseRsa(storageKey(KEYS[ek], new byte[0], true).toTpm());
    TpmPublic srkPub = TpmPublic.parseRsa(storageKey(KEYS[srk], new byte[0], true).toTpm());

    TpmBuffer blob =
        new TpmBuffer(TpmActivation.authenticationKey(ekPub, srkPub, identityKey, extra, RANDOM));
    TPM2B_ID_OBJECT credential = TPM2B_ID_OBJECT.fromTpm(blob);
    TPM2B_ENCRYPTED_SECRET credentialSeed = TPM2B_ENCRYPTED_SECRET.fromTpm(blob);
    TPM2B_PRIVATE duplicate = TPM2B_PRIVATE.fromTpm(blob);
    TPM2B_ENCRYPTED_SECRET duplicateSeed = TPM2B_ENCRYPTED_SECRET.fromTpm(blob);
    TPM2B_PUBLIC identity = TPM2B_PUBLIC.fromTpm(blob);
    TPM2B_DATA data = TPM2B_DATA.fromTpm(blob);

    assertThat(blob.curPos()).isEqualTo(blob.size());
    // HMAC-SHA256 outer integrity; the credential is a 16-byte AES key with its size.
    assertThat(credential.credential.integrityHMAC).hasSize(32);
    assertThat(credential.credential.encIdentity).hasSize(2 + TpmActivation.WRAP_KEY_BYTES);
    assertThat(credentialSeed.secret).hasSize(256);
    assertThat(duplicateSeed.secret).hasSize(256);
    // outer HMAC, then inner integrity and the sensitive area, all encrypted
    assertThat(duplicate.buffer.length).isEqualTo(2 + 32 + 2 + 32 + 2 + 2 + 2 + 2 + 32 + 2 + 32);
    assertThat(data.buffer).hasSize(extra.length);
    TPMT_PUBLIC id = identity.publicArea;
    assertThat(id.nameAlg).isEqualTo(TPM_ALG_ID.SHA256);
    TPMS_KEYEDHASH_PARMS parms = (TPMS_KEYEDHASH_PARMS) id.parameters;
    assertThat(((TPMS_SCHEME_HMAC) parms.scheme).hashAlg).isEqualTo(TPM_ALG_ID.SHA256);
    int attributes = id.objectAttributes.toInt();
    assertThat(attributes & TPMA_OBJECT.sign.toInt()).isNotZero();
    assertThat(attributes & (TPMA_OBJECT.fixedTPM.toInt() | TPMA_OBJECT.fixedParent.toInt()))
        .isZero();
  }
}
