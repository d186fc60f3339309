package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/** Compact JWS with RS256 (RSASSA-PKCS1-v1_5 with SHA-256), on JDK crypto only. */
final class Jwt {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Jwt() {}

  /** A parsed, not yet verified token. */
  record Parsed(ObjectNode header, ObjectNode claims, String signingInput, byte[] signature) {
    String kid() {
      return header.path("kid").asText(null);
    }

    String claim(String name) {
      JsonNode n = claims.get(name);
      return n == null || !n.isValueNode() ? null : n.asText();
    }

    /** A NumericDate claim in seconds, or null. */
    Long seconds(String name) {
      JsonNode n = claims.get(name);
      return n != null && n.canConvertToLong() ? n.asLong() : null;
    }

    /** Whether {@code aud} is {@code audience} or an array holding it. */
    boolean hasAudience(String audience) {
      JsonNode aud = claims.get("aud");
      if (aud == null) {
        return false;
      }
      if (aud.isArray()) {
        for (JsonNode a : aud) {
          if (audience.equals(a.asText())) {
            return true;
          }
        }
        return false;
      }
      return audience.equals(aud.asText());
    }
  }

  /** Signs {@code claims} with {@code key}; the header names RS256 and {@code kid}. */
  static String sign(ObjectNode claims, PrivateKey key, String kid) {
    ObjectNode header = Json.object().put("alg", "RS256").put("typ", "JWT").put("kid", kid);
    String input = part(header) + "." + part(claims);
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + ENCODER.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not sign a JWT", e);
    }
  }

  /** Parses a compact JWS; null if it is not one (three base64url parts, JSON objects). */
  static Parsed parse(String token) {
    if (token == null) {
      return null;
    }
    String[] parts = token.trim().split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode header = Json.MAPPER.readTree(DECODER.decode(parts[0]));
      JsonNode claims = Json.MAPPER.readTree(DECODER.decode(parts[1]));
      byte[] signature = DECODER.decode(parts[2]);
      if (!(header instanceof ObjectNode h) || !(claims instanceof ObjectNode c)) {
        return null;
      }
      return new Parsed(h, c, parts[0] + "." + parts[1], signature);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether the token is RS256 and signed by {@code key}. */
  static boolean verify(Parsed token, PublicKey key) {
    if (!"RS256".equals(token.header().path("alg").asText())) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(key);
      s.update(token.signingInput().getBytes(StandardCharsets.US_ASCII));
      return s.verify(token.signature());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String base64Url(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  private static String part(JsonNode node) {
    try {
      return ENCODER.encodeToString(Json.MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
