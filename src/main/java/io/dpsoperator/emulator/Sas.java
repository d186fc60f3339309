package io.dpsoperator.emulator;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shared access signatures: parsing, signing, verification, group-derived device keys. */
public final class Sas {
  private Sas() {}

  /** A parsed {@code SharedAccessSignature} token; {@code sr} and {@code sig} as they appear. */
  record Token(String rawSr, String sr, String sig, long se, String skn) {}

  /** HMAC-SHA256 of {@code message} with the base64-decoded {@code base64Key}, base64-encoded. */
  public static String sign(String base64Key, String message) {
    return Base64.getEncoder().encodeToString(hmac(Base64.getDecoder().decode(base64Key), message));
  }

  /**
   * The device key of a symmetric-key group member: base64(HMAC-SHA256(base64decode(groupKey),
   * registrationId)).
   */
  public static String deriveDeviceKey(String groupKeyBase64, String registrationId) {
    return sign(groupKeyBase64, registrationId);
  }

  /**
   * Builds a token the way the Java service SDK does: {@code sr} is the URL-encoded, lower-cased
   * resource, signed as sent.
   */
  public static String serviceToken(String resource, String base64Key, String policy, long expiry) {
    String sr = URLEncoder.encode(resource.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
    String sig = sign(base64Key, sr + "\n" + expiry);
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + URLEncoder.encode(sig, StandardCharsets.UTF_8)
        + "&se="
        + expiry
        + "&skn="
        + policy;
  }

  /**
   * Builds a device token with a URL-encoded {@code sr} and {@code skn=registration} (.NET style).
   */
  public static String deviceToken(
      String idScope, String registrationId, String base64DeviceKey, long expiry) {
    String sr =
        URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8);
    String sig = sign(base64DeviceKey, sr + "\n" + expiry);
    return "SharedAccessSignature sr="
        + sr
        + "&sig="
        + URLEncoder.encode(sig, StandardCharsets.UTF_8)
        + "&se="
        + expiry
        + "&skn=registration";
  }

  /** One Mac per thread: looking the provider up again for every token is a measurable cost. */
  private static final ThreadLocal<Mac> MAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException(e);
            }
          });

  static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses an Authorization header value; null if it is not a SAS token. */
  static Token parse(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    String prefix = "SharedAccessSignature ";
    if (!h.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : h.substring(prefix.length()).trim().split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1));
      }
    }
    String sr = fields.get("sr");
    String sig = fields.get("sig");
    String se = fields.get("se");
    if (sr == null || sig == null || se == null) {
      return null;
    }
    long expiry;
    try {
      expiry = Long.parseLong(se.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    return new Token(sr, percentDecode(sr), percentDecode(sig), expiry, fields.get("skn"));
  }

  /**
   * True if the token's signature is valid for {@code base64Key}: over the literal {@code sr} as
   * sent (covers both encoded and raw styles), or over the canonical URL-encoded form.
   */
  static boolean verify(Token token, byte[] key) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(token.sig());
    } catch (IllegalArgumentException e) {
      return false;
    }
    String[] candidates = {
      token.rawSr(),
      URLEncoder.encode(token.sr(), StandardCharsets.UTF_8),
      URLEncoder.encode(token.sr().toLowerCase(Locale.ROOT), StandardCharsets.UTF_8),
      token.sr()
    };
    for (String c : candidates) {
      if (MessageDigest.isEqual(sig, hmac(key, c + "\n" + token.se()))) {
        return true;
      }
    }
    return false;
  }

  /** Decodes %XX escapes; unlike URLDecoder, keeps '+' (a raw base64 signature contains it). */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '%' && i + 2 < bytes.length + 0 && i + 2 <= bytes.length - 1) {
        int hi = Character.digit(bytes[i + 1], 16);
        int lo = Character.digit(bytes[i + 2], 16);
        if (hi >= 0 && lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.write(bytes[i]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
