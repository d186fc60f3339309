package io.dpsoperator.device;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Symmetric-key helpers of the DPS device API: group-derived device keys and device SAS tokens. */
public final class DeviceKeys {
  /** The {@code skn} the documentation, the .NET and the Python SDKs send for device tokens. */
  static final String KEY_NAME = "registration";

  private DeviceKeys() {}

  /**
   * The device key of an enrollment group member: {@code base64(HMAC-SHA256(base64decode(groupKey),
   * utf8(registrationId)))}.
   *
   * @param base64GroupKey the group's primary or secondary key, base64
   * @param registrationId the device's registration id
   */
  public static String derive(String base64GroupKey, String registrationId) {
    Objects.requireNonNull(registrationId, "registrationId");
    byte[] mac = hmacSha256(decodeKey(base64GroupKey, "Group key"), registrationId);
    return Base64.getEncoder().encodeToString(mac);
  }

  /**
   * The {@code Authorization} value of a device registration: {@code SharedAccessSignature
   * sr=<url-encoded idScope/registrations/registrationId>&sig=<url-encoded
   * signature>&se=<expiry>&skn=registration}. The signed string is the encoded {@code sr}, a
   * newline and {@code se} (the .NET and Python SDKs' style).
   *
   * @param base64DeviceKey the device key (individual, or {@link #derive derived}), base64
   * @param expiryEpochSeconds the expiry ({@code se}) in seconds since the epoch
   */
  public static String sasToken(
      String idScope, String registrationId, String base64DeviceKey, long expiryEpochSeconds) {
    Objects.requireNonNull(idScope, "idScope");
    Objects.requireNonNull(registrationId, "registrationId");
    byte[] key = decodeKey(base64DeviceKey, "Device key");
    String sr = urlEncode(idScope + "/registrations/" + registrationId);
    String sig =
        Base64.getEncoder().encodeToString(hmacSha256(key, sr + "\n" + expiryEpochSeconds));
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + urlEncode(sig)
        + "&se="
        + expiryEpochSeconds
        + "&skn="
        + KEY_NAME;
  }

  private static byte[] decodeKey(String base64Key, String what) {
    Objects.requireNonNull(base64Key, what);
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64Key.strip());
    } catch (IllegalArgumentException e) {
      // The message stays free of the key text on purpose.
      throw new IllegalArgumentException(what + " is not valid base64");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return key;
  }

  private static byte[] hmacSha256(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
