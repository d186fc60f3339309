package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.dps.FakeTime;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Access tokens of the emulated tenant: valid exactly within their lifetime, and unforgeable. */
class EntraIssuerPropertiesTest {
  private static final String TENANT = "contoso";
  private static final String CLIENT = "app-1";
  private static final String ISSUER = "https://oidc.test/cluster";
  private static final String SUBJECT = "system:serviceaccount:ns:sa";
  private static final KeyPair CLUSTER_KEY = rsa();
  private static final Duration LIFETIME = Duration.ofMinutes(10);

  private final FakeTime time = new FakeTime();
  private final EntraIssuer issuer =
      new EntraIssuer(
          new EntraIssuer.Settings(
              TENANT,
              List.of(
                  new EntraIssuer.FederatedCredential(
                      CLIENT, ISSUER, SUBJECT, "api://AzureADTokenExchange")),
              Map.of(ISSUER, List.of(CLUSTER_KEY.getPublic())),
              Map.of(CLIENT, Set.of(EntraRole.DATA_READER)),
              LIFETIME),
          time.clock());

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private String issue() {
    long now = time.now().getEpochSecond();
    var claims =
        Json.object()
            .put("iss", ISSUER)
            .put("sub", SUBJECT)
            .put("aud", "api://AzureADTokenExchange")
            .put("nbf", now)
            .put("exp", now + 3600);
    String assertion = Jwt.sign(claims, CLUSTER_KEY.getPrivate(), "k");
    String form =
        "grant_type=client_credentials&client_id="
            + CLIENT
            + "&client_assertion_type="
            + URLEncoder.encode(EntraIssuer.ASSERTION_TYPE, StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion
            + "&scope="
            + URLEncoder.encode(EntraIssuer.DPS_SCOPE, StandardCharsets.UTF_8);
    Http.Response r =
        issuer.handle(
            new Http.Request(
                "POST",
                "/" + TENANT + "/oauth2/v2.0/token",
                List.of(TENANT, "oauth2", "v2.0", "token"),
                Map.of(),
                new DefaultHttpHeaders(),
                form.getBytes(StandardCharsets.UTF_8),
                null));
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.body();
    return body.path("access_token").asText();
  }

  @Property(tries = 50)
  void aTokenIsAcceptedExactlyBeforeItsExpiry(
      @ForAll @LongRange(min = 0, max = 1200) long secondsLater) {
    String token = issue();
    time.advance(Duration.ofSeconds(secondsLater));
    if (secondsLater < LIFETIME.toSeconds()) {
      assertThat(issuer.authenticate(token)).containsExactly(EntraRole.DATA_READER);
    } else {
      assertThatThrownBy(() -> issuer.authenticate(token))
          .isInstanceOf(ApiException.UnauthorizedException.class);
    }
  }

  @Property(tries = 100)
  void anyChangedCharacterMakesTheTokenUnauthorized(
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll("base64url") char replacement) {
    String token = issue();
    int at = position % token.length();
    if (token.charAt(at) == replacement || token.charAt(at) == '.') {
      return;
    }
    String changed = token.substring(0, at) + replacement + token.substring(at + 1);
    int sig = token.lastIndexOf('.') + 1;
    if (at >= sig
        && java.util.Arrays.equals(
            java.util.Base64.getUrlDecoder().decode(token.substring(sig)),
            java.util.Base64.getUrlDecoder().decode(changed.substring(sig)))) {
      return; // only the unused low bits of the last character changed: the same signature
    }
    assertThatThrownBy(() -> issuer.authenticate(changed))
        .isInstanceOf(ApiException.UnauthorizedException.class);
  }

  @Provide
  Arbitrary<Character> base64url() {
    return Arbitraries.chars()
        .with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
  }
}
