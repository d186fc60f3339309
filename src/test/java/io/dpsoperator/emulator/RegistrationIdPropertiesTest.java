package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.TestClient.Resp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The id rule of the REST reference, over HTTPS: up to 128 case-insensitive alphanumerics and
 * {@code . _ -} (and {@code :}), no special character at the start or the end. Checked against an
 * oracle written from the rule, not from the emulator's pattern.
 */
class RegistrationIdPropertiesTest {
  private static final String SPECIAL = "-._:";
  private static final String INVALID = " !*'()@$,;=+~/?#%é";
  private static DpsEmulator dps;
  private static TestClient client;

  @BeforeContainer
  static void start() {
    dps = DpsEmulator.builder().adminPort(-1).build().start();
    client = new TestClient(dps);
  }

  @AfterContainer
  static void stop() {
    dps.close();
  }

  static boolean valid(String id) {
    if (id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      boolean edge = i == 0 || i == id.length() - 1;
      if (!alnum && (edge || SPECIAL.indexOf(c) < 0)) {
        return false;
      }
    }
    return true;
  }

  @Provide
  Arbitrary<String> ids() {
    Arbitrary<Character> mostlyValid =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Arbitraries.chars().alpha().numeric()),
            net.jqwik.api.Tuple.of(4, Arbitraries.of('-', '.', '_', ':')),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.of(INVALID.chars().mapToObj(c -> (char) c).toList())));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(
            8,
            mostlyValid.list().ofMinSize(1).ofMaxSize(20).map(RegistrationIdPropertiesTest::join)),
        net.jqwik.api.Tuple.of(
            2,
            mostlyValid
                .list()
                .ofMinSize(120)
                .ofMaxSize(135)
                .map(RegistrationIdPropertiesTest::join)));
  }

  private static String join(java.util.List<Character> chars) {
    StringBuilder b = new StringBuilder();
    chars.forEach(b::append);
    return b.toString();
  }

  /** Percent-encodes everything but unreserved characters, so the id is one path segment. */
  static String segment(String id) {
    StringBuilder b = new StringBuilder();
    for (byte x : id.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  @Property(tries = 150)
  void anEnrollmentIdIsAcceptedExactlyWhenTheRuleAllowsIt(@ForAll("ids") String id) {
    Resp r =
        client.service(
            "PUT",
            "/enrollments/" + segment(id),
            Map.of("registrationId", id, "attestation", Map.of("type", "symmetricKey")),
            "If-Match",
            "*");
    if (valid(id)) {
      assertThat(r.status()).as(id + " -> " + r).isEqualTo(200);
      // Ids are case-insensitive: an earlier try may have created it with other casing.
      assertThat(r.json().get("registrationId").asText()).isEqualToIgnoringCase(id);
    } else {
      assertThat(r.status()).as(id + " -> " + r).isEqualTo(400);
      assertThat(r.json().get("errorCode").asInt()).isEqualTo(400001);
      assertThat(r.json().get("message").asText()).contains("registrationId");
    }
  }

  @Property(tries = 60)
  void aGroupIdFollowsTheSameRule(@ForAll("ids") String id) {
    Resp r =
        client.service(
            "PUT",
            "/enrollmentGroups/" + segment(id),
            Map.of("enrollmentGroupId", id, "attestation", Map.of("type", "symmetricKey")),
            "If-Match",
            "*");
    assertThat(r.status()).as(id + " -> " + r).isEqualTo(valid(id) ? 200 : 400);
    if (r.status() == 200) {
      assertThat(client.service("DELETE", "/enrollmentGroups/" + segment(id), null).status())
          .isEqualTo(204);
    }
  }
}
