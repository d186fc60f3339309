package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/** JSON and wire-format helpers shared by the emulator's APIs. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** The real service's date-time shape: UTC, 7 fractional digits, {@code Z}. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Json() {}

  /**
   * {@link #TIME} for years 1 to 9999, written by hand: every record and registration carries
   * timestamps, and the general formatter was a measurable share of a request's CPU.
   */
  static String time(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 1 || t.getYear() > 9999) {
      return TIME.format(instant);
    }
    StringBuilder b = new StringBuilder(28);
    digits(b, t.getYear(), 4).append('-');
    digits(b, t.getMonthValue(), 2).append('-');
    digits(b, t.getDayOfMonth(), 2).append('T');
    digits(b, t.getHour(), 2).append(':');
    digits(b, t.getMinute(), 2).append(':');
    digits(b, t.getSecond(), 2).append('.');
    return digits(b, instant.getNano() / 100, 7).append('Z').toString();
  }

  private static StringBuilder digits(StringBuilder b, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }

  static String now(Clock clock) {
    return time(clock.instant());
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A Cosmos-style etag: a quoted opaque string. */
  static String newEtag() {
    return "\"" + UUID.randomUUID() + "\"";
  }

  /** A registration-state etag: base64 of a quoted opaque string, as the real service sends. */
  static String newRegistrationEtag() {
    return Base64.getEncoder()
        .encodeToString(newEtag().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Compares an If-Match value with a stored etag, tolerating one level of added/removed quotes.
   */
  static boolean etagMatches(String ifMatch, String etag) {
    if (etag == null) {
      return false;
    }
    String a = ifMatch.trim();
    if (a.startsWith("W/")) {
      a = a.substring(2);
    }
    return a.equals(etag) || unquote(a).equals(unquote(etag));
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static boolean present(JsonNode node, String field) {
    return node != null && node.hasNonNull(field);
  }
}
