package io.dpsoperator.dps.auth;

import java.util.Base64;
import java.util.Objects;

/**
 * Device keys of symmetric-key enrollment groups: a device of a group authenticates with {@code
 * base64(HMAC-SHA256(key = base64decode(groupKey), message = UTF-8(registrationId)))}.
 */
public final class DerivedKeys {
  private DerivedKeys() {}

  /**
   * Derives the device key of {@code registrationId} from a group key.
   *
   * @param groupKeyBase64 the group's primary or secondary key, base64
   * @param registrationId the device's registration id, exactly as the device sends it
   * @return the device key, base64
   * @throws IllegalArgumentException if the group key is not base64 (the message omits the key)
   */
  public static String deriveDeviceKey(String groupKeyBase64, String registrationId) {
    Objects.requireNonNull(groupKeyBase64, "groupKeyBase64");
    Objects.requireNonNull(registrationId, "registrationId");
    byte[] groupKey;
    try {
      groupKey = Base64.getDecoder().decode(groupKeyBase64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Group key is not valid base64");
    }
    if (groupKey.length == 0) {
      throw new IllegalArgumentException("Group key is empty");
    }
    return Base64.getEncoder()
        .encodeToString(SasTokenProvider.hmacSha256(groupKey, registrationId));
  }
}
