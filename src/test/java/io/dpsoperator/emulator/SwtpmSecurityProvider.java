package io.dpsoperator.emulator;

import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderTpm;
import com.microsoft.azure.sdk.iot.provisioning.security.exceptions.SecurityProviderException;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import tss.Tpm;
import tss.TpmBuffer;
import tss.TpmFactory;
import tss.TpmHelpers;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.CreateResponse;
import tss.tpm.EncryptDecrypt2Response;
import tss.tpm.StartAuthSessionResponse;
import tss.tpm.TPM2B_DATA;
import tss.tpm.TPM2B_DIGEST_SYMCIPHER;
import tss.tpm.TPM2B_ENCRYPTED_SECRET;
import tss.tpm.TPM2B_ID_OBJECT;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_KEYEDHASH_PARMS;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMS_SCHEME_HMAC;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMS_SYMCIPHER_PARMS;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;
import tss.tpm.TPM_RC;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SE;

/**
 * The device side of DPS TPM attestation on a software TPM: the official SDK's security provider
 * contract ({@link SecurityProviderTpm}, which the official device client drives) implemented with
 * TSS.Java over the TPM simulator protocol, step for step as the official {@code tpm-provider}
 * 2.0.1 ({@code SecurityProviderTPMHsm}) does it on {@code /dev/tpm*}: the same EK and SRK
 * templates and persistent handles, ActivateCredential in an EK policy session, Import and Load
 * under the SRK, persisting the identity key, decrypting the extra data with a TPM AES key, and
 * signing with TPM2_HMAC.
 */
public final class SwtpmSecurityProvider extends SecurityProviderTpm {
  private static final TPM_HANDLE SRK_HANDLE = TPM_HANDLE.persistent(0x00000001);
  private static final TPM_HANDLE EK_HANDLE = TPM_HANDLE.persistent(0x00010001);
  private static final TPM_HANDLE ID_KEY_HANDLE = TPM_HANDLE.persistent(0x00000100);
  private static final TPMT_SYM_DEF_OBJECT AES_128_CFB =
      new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB);

  /** The TCG default EK policy: PolicySecret(TPM_RH_ENDORSEMENT). */
  private static final byte[] EK_POLICY =
      HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

  private final Tpm tpm;
  private final String registrationId;
  private final SSLContext ssl;
  private final TPMT_PUBLIC ekPublic;
  private final TPMT_PUBLIC srkPublic;
  private TPM2B_PUBLIC identityPublic;
  private byte[] decryptedExtraData;

  /**
   * Uses the TPM and creates (or reads) its persistent EK and SRK. swtpm serves one connection at a
   * time: providers on one swtpm share one {@link #connect connection}.
   *
   * @param registrationId the registration id, or null for the SDK's default (derived from the EK)
   */
  public SwtpmSecurityProvider(Tpm tpm, String registrationId, SSLContext ssl) {
    this.tpm = tpm;
    this.registrationId = registrationId;
    this.ssl = ssl;
    // The provider creates both primaries under the owner hierarchy.
    this.ekPublic =
        persistentPrimary(
            EK_HANDLE,
            new TPMT_PUBLIC(
                TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(
                    TPMA_OBJECT.restricted,
                    TPMA_OBJECT.decrypt,
                    TPMA_OBJECT.fixedTPM,
                    TPMA_OBJECT.fixedParent,
                    TPMA_OBJECT.adminWithPolicy,
                    TPMA_OBJECT.sensitiveDataOrigin),
                EK_POLICY,
                new TPMS_RSA_PARMS(AES_128_CFB, new TPMS_NULL_ASYM_SCHEME(), 2048, 0),
                new TPM2B_PUBLIC_KEY_RSA()));
    this.srkPublic =
        persistentPrimary(
            SRK_HANDLE,
            new TPMT_PUBLIC(
                TPM_ALG_ID.SHA256,
                new TPMA_OBJECT(
                    TPMA_OBJECT.restricted,
                    TPMA_OBJECT.decrypt,
                    TPMA_OBJECT.fixedTPM,
                    TPMA_OBJECT.fixedParent,
                    TPMA_OBJECT.noDA,
                    TPMA_OBJECT.userWithAuth,
                    TPMA_OBJECT.sensitiveDataOrigin),
                new byte[0],
                new TPMS_RSA_PARMS(AES_128_CFB, new TPMS_NULL_ASYM_SCHEME(), 2048, 0),
                new TPM2B_PUBLIC_KEY_RSA()));
  }

  /** A connection to the software TPM over the TPM simulator protocol. */
  public static Tpm connect(Swtpm swtpm) {
    return TpmFactory.remoteTpm("127.0.0.1", swtpm.port());
  }

  private TPMT_PUBLIC persistentPrimary(TPM_HANDLE handle, TPMT_PUBLIC template) {
    var existing = tpm._allowErrors().ReadPublic(handle);
    if (tpm._getLastResponseCode() == TPM_RC.SUCCESS) {
      return existing.outPublic;
    }
    CreatePrimaryResponse created =
        tpm.CreatePrimary(
            TPM_HANDLE.from(TPM_RH.OWNER),
            new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]),
            template,
            new byte[0],
            new TPMS_PCR_SELECTION[0]);
    tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), created.handle, handle);
    tpm.FlushContext(created.handle);
    return created.outPublic;
  }

  @Override
  public String getRegistrationId() throws SecurityProviderException {
    return registrationId != null ? registrationId : super.getRegistrationId();
  }

  @Override
  public SSLContext getSSLContext() {
    return ssl;
  }

  @Override
  public byte[] getEndorsementKey() {
    return new TPM2B_PUBLIC(ekPublic).toTpm();
  }

  @Override
  public byte[] getStorageRootKey() {
    return new TPM2B_PUBLIC(srkPublic).toTpm();
  }

  /** The extra data of the last activation, as the TPM decrypted it. */
  public byte[] decryptedExtraData() {
    return decryptedExtraData;
  }

  @Override
  public byte[] activateIdentityKey(byte[] key) {
    TpmBuffer blob = new TpmBuffer(key);
    TPM2B_ID_OBJECT credential = TPM2B_ID_OBJECT.fromTpm(blob);
    TPM2B_ENCRYPTED_SECRET credentialSeed = TPM2B_ENCRYPTED_SECRET.fromTpm(blob);
    TPM2B_PRIVATE duplicate = TPM2B_PRIVATE.fromTpm(blob);
    TPM2B_ENCRYPTED_SECRET duplicateSeed = TPM2B_ENCRYPTED_SECRET.fromTpm(blob);
    TPM2B_PUBLIC idPublic = TPM2B_PUBLIC.fromTpm(blob);
    TPM2B_DATA extra = TPM2B_DATA.fromTpm(blob);

    // ActivateCredential needs the EK's policy (PolicySecret on the endorsement hierarchy).
    StartAuthSessionResponse session =
        tpm.StartAuthSession(
            TPM_HANDLE.NULL,
            TPM_HANDLE.NULL,
            new byte[20],
            new byte[0],
            TPM_SE.POLICY,
            new TPMT_SYM_DEF(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL),
            TPM_ALG_ID.SHA256);
    tpm.PolicySecret(
        TPM_HANDLE.from(TPM_RH.ENDORSEMENT),
        session.handle,
        new byte[0],
        new byte[0],
        new byte[0],
        0);
    byte[] innerWrapKey;
    try {
      innerWrapKey =
          tpm._withSessions(TPM_HANDLE.pwSession(new byte[0]), session.handle)
              .ActivateCredential(
                  SRK_HANDLE, EK_HANDLE, credential.credential, credentialSeed.secret);
    } finally {
      // Unlike the provider, which leaves it to /dev/tpmrm0 to flush at process end: the TPM
      // holds only three sessions, and tests activate many times on one connection.
      tpm._allowErrors().FlushContext(session.handle);
    }
    TPMT_SYM_DEF_OBJECT inner =
        new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, innerWrapKey.length * 8, TPM_ALG_ID.CFB);

    TPM2B_PRIVATE imported =
        tpm.Import(
            SRK_HANDLE, innerWrapKey, idPublic.publicArea, duplicate, duplicateSeed.secret, inner);
    TPM_HANDLE loaded = tpm.Load(SRK_HANDLE, imported, idPublic.publicArea);
    tpm._allowErrors().ReadPublic(ID_KEY_HANDLE);
    if (tpm._getLastResponseCode() == TPM_RC.SUCCESS) {
      tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), ID_KEY_HANDLE, ID_KEY_HANDLE);
    }
    tpm.EvictControl(TPM_HANDLE.from(TPM_RH.OWNER), loaded, ID_KEY_HANDLE);
    tpm.FlushContext(loaded);
    identityPublic = idPublic;

    // The extra data is encrypted with the inner wrapper key: decrypt it with a TPM AES key.
    TPMT_PUBLIC aesTemplate =
        new TPMT_PUBLIC(
            TPM_ALG_ID.SHA256,
            new TPMA_OBJECT(
                TPMA_OBJECT.decrypt,
                TPMA_OBJECT.fixedTPM,
                TPMA_OBJECT.fixedParent,
                TPMA_OBJECT.userWithAuth),
            new byte[0],
            new TPMS_SYMCIPHER_PARMS(inner),
            new TPM2B_DIGEST_SYMCIPHER());
    CreateResponse aes =
        tpm.Create(
            SRK_HANDLE,
            new TPMS_SENSITIVE_CREATE(new byte[0], innerWrapKey),
            aesTemplate,
            new byte[0],
            new TPMS_PCR_SELECTION[0]);
    TPM_HANDLE aesKey = tpm.Load(SRK_HANDLE, aes.outPrivate, aes.outPublic);
    EncryptDecrypt2Response plain =
        tpm.EncryptDecrypt2(
            aesKey, extra.buffer, (byte) 1, TPM_ALG_ID.CFB, new byte[innerWrapKey.length]);
    tpm.FlushContext(aesKey);
    decryptedExtraData = plain.outData;
    return null;
  }

  @Override
  public byte[] signWithIdentity(byte[] data) throws SecurityProviderException {
    if (identityPublic == null) {
      throw new SecurityProviderException("activateIdentityKey first before signing");
    }
    TPM_ALG_ID hash =
        ((TPMS_SCHEME_HMAC) ((TPMS_KEYEDHASH_PARMS) identityPublic.publicArea.parameters).scheme)
            .hashAlg;
    int max = TpmHelpers.getTpmProperty(tpm, TPM_PT.INPUT_BUFFER);
    if (data.length <= max) {
      return tpm.HMAC(ID_KEY_HANDLE, data, hash);
    }
    throw new SecurityProviderException("data longer than the TPM input buffer: " + data.length);
  }
}
