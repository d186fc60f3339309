package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import tss.Tpm;

/**
 * The challenge blob in a real (software) TPM, for random identity keys and data: after the
 * official provider's steps (ActivateCredential, Import, Load, EncryptDecrypt2), the TPM's HMAC
 * equals the HMAC with the key the emulator kept, and the TPM decrypts the extra data. Skipped when
 * swtpm is not installed.
 */
@AddLifecycleHook(TpmActivationSwtpmPropertiesTest.SkipWithoutSwtpm.class)
class TpmActivationSwtpmPropertiesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Swtpm swtpm;
  private static SwtpmSecurityProvider device;
  private static TpmPublic ek;
  private static TpmPublic srk;

  /**
   * Skips the properties where swtpm is missing (jqwik reports a failed assumption as an error).
   */
  static final class SkipWithoutSwtpm implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      return Swtpm.installed()
          ? SkipResult.doNotSkip()
          : SkipResult.skip("swtpm is not installed (apt-get install swtpm)");
    }
  }

  @BeforeContainer
  static void start() throws Exception {
    swtpm = Swtpm.start();
    Tpm tpm = SwtpmSecurityProvider.connect(swtpm);
    device = new SwtpmSecurityProvider(tpm, "tpm-property", null);
    ek = TpmPublic.parseRsa(device.getEndorsementKey());
    srk = TpmPublic.parseRsa(device.getStorageRootKey());
  }

  @AfterContainer
  static void stop() throws Exception {
    if (swtpm != null) {
      swtpm.close();
    }
  }

  @Property(tries = 12)
  void theTpmSignsWithTheIssuedKey(
      @ForAll @Size(value = TpmActivation.IDENTITY_KEY_BYTES) byte[] identityKey,
      @ForAll @Size(min = 1, max = 64) byte[] extra,
      @ForAll @Size(min = 1, max = 512) byte[] message)
      throws Exception {
    byte[] blob = TpmActivation.authenticationKey(ek, srk, identityKey, extra, RANDOM);

    device.activateIdentityKey(blob);

    assertThat(device.decryptedExtraData()).isEqualTo(extra);
    assertThat(device.signWithIdentity(message))
        .isEqualTo(TpmActivation.hmac(TpmPublic.ALG_SHA256, identityKey, message));
  }
}
