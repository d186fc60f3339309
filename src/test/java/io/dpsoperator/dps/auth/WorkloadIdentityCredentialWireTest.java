package io.dpsoperator.dps.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dpsoperator.dps.FakeTime;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token request on the wire and how the token endpoint's answers are sorted. */
class WorkloadIdentityCredentialWireTest {
  private static final String TENANT = "contoso.onmicrosoft.com";
  private static final String CLIENT = "0f0e0d0c-0000-4000-8000-000000000001";

  private final FakeTime time = new FakeTime();
  private final TestOidcIssuer cluster = new TestOidcIssuer("https://oidc.cluster.test/x");
  private MockWebServer server;
  private String assertion;

  @TempDir Path dir;
  Path tokenFile;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    tokenFile = dir.resolve("token");
    assertion =
        cluster.token(
            "system:serviceaccount:a:b",
            "api://AzureADTokenExchange",
            time.now(),
            Duration.ofHours(1));
    Files.writeString(tokenFile, assertion);
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private WorkloadIdentityCredential credential() {
    return WorkloadIdentityCredential.builder()
        .clientId(CLIENT)
        .tenantId(TENANT)
        .authorityHost(server.url("/").toString())
        .allowHttp(true)
        .federatedTokenFile(tokenFile)
        .clock(time.clock())
        .build();
  }

  private static MockResponse token(String accessToken, long expiresIn) {
    return new MockResponse()
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn
                + ",\"access_token\":\""
                + accessToken
                + "\"}");
  }

  private static MockResponse aadError(int status, String error, int code, String text) {
    return new MockResponse()
        .setResponseCode(status)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"error\":\""
                + error
                + "\",\"error_description\":\"AADSTS"
                + code
                + ": "
                + text
                + " Trace ID: 0000 Correlation ID: 1111 Timestamp: 2026-12-02\",\"error_codes\":["
                + code
                + "]}");
  }

  private static Map<String, String> form(RecordedRequest r) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String pair : r.getBody().readUtf8().split("&")) {
      int eq = pair.indexOf('=');
      f.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void sendsTheClientCredentialsGrantWithTheFileAsAssertion() throws Exception {
    server.enqueue(token("access-1", 3600));
    assertThat(credential().authorizationHeader()).isEqualTo("Bearer access-1");
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
    assertThat(r.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(form(r))
        .containsExactly(
            Map.entry("grant_type", "client_credentials"),
            Map.entry("client_id", CLIENT),
            Map.entry(
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            Map.entry("client_assertion", assertion),
            Map.entry("scope", "https://azure-devices-provisioning.net/.default"));
  }

  @Test
  void aRefusedAssertionIsATokenExchangeFailureNamingTheCode() {
    server.enqueue(
        aadError(
            400,
            "invalid_request",
            70021,
            "No matching federated identity record found for presented assertion "
                + assertion
                + "."));
    DpsAuthenticationException e =
        catchThrowableOfType(
            () -> credential().authorizationHeader(), DpsAuthenticationException.class);
    assertThat(e.failure()).isEqualTo(AuthFailure.TOKEN_EXCHANGE_FAILED);
    assertThat(e.failure().reason()).isEqualTo("TokenExchangeFailed");
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage())
        .contains("AADSTS70021", "invalid_request", CLIENT, TENANT, "federated credential")
        .doesNotContain(assertion)
        .doesNotContain("eyJ")
        .doesNotContain("Trace ID");
  }

  @Test
  void anAssertionOutsideItsTimeRangeIsFederatedTokenExpired() {
    server.enqueue(
        aadError(
            400, "invalid_client", 700024, "Client assertion is not within its valid time range."));
    DpsAuthenticationException e =
        catchThrowableOfType(
            () -> credential().authorizationHeader(), DpsAuthenticationException.class);
    assertThat(e.failure()).isEqualTo(AuthFailure.FEDERATED_TOKEN_EXPIRED);
  }

  @Test
  void aBusyOrUnreachableEndpointIsRetryable() throws Exception {
    server.enqueue(
        aadError(503, "temporarily_unavailable", 90033, "A transient error has occurred."));
    DpsAuthenticationException busy =
        catchThrowableOfType(
            () -> credential().authorizationHeader(), DpsAuthenticationException.class);
    assertThat(busy.isRetryable()).isTrue();
    assertThat(busy.failure()).isEqualTo(AuthFailure.TOKEN_EXCHANGE_FAILED);

    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    DpsAuthenticationException down =
        catchThrowableOfType(
            () -> credential().authorizationHeader(), DpsAuthenticationException.class);
    assertThat(down.isRetryable()).isTrue();
    assertThat(down.getMessage()).contains("could not be reached");
  }

  @Test
  void aFailedRefreshKeepsTheTokenThatIsStillValid() {
    WorkloadIdentityCredential c = credential();
    server.enqueue(token("access-1", 600));
    server.enqueue(new MockResponse().setResponseCode(500));
    server.enqueue(token("access-2", 600));
    assertThat(c.authorizationHeader()).isEqualTo("Bearer access-1");
    time.advance(Duration.ofMinutes(6)); // due for refresh, still valid for 4 minutes
    assertThat(c.authorizationHeader()).isEqualTo("Bearer access-1");
    assertThat(c.authorizationHeader()).isEqualTo("Bearer access-2");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void invalidateForcesANewExchange() {
    WorkloadIdentityCredential c = credential();
    server.enqueue(token("access-1", 3600));
    server.enqueue(token("access-2", 3600));
    assertThat(c.authorizationHeader()).isEqualTo("Bearer access-1");
    c.invalidate();
    assertThat(c.authorizationHeader()).isEqualTo("Bearer access-2");
  }

  @Test
  void aFileWithoutAJwtIsFederatedTokenUnavailable() throws Exception {
    Files.writeString(tokenFile, "not a token");
    DpsAuthenticationException e =
        catchThrowableOfType(
            () -> credential().authorizationHeader(), DpsAuthenticationException.class);
    assertThat(e.failure()).isEqualTo(AuthFailure.FEDERATED_TOKEN_UNAVAILABLE);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void settingsComeFromTheEnvironmentWithPerConnectionOverrides() {
    WorkloadIdentityCredential c =
        WorkloadIdentityCredential.fromEnvironment(
                Map.of(
                    "AZURE_CLIENT_ID", "env-client",
                    "AZURE_TENANT_ID", "env-tenant",
                    "AZURE_FEDERATED_TOKEN_FILE",
                        "/var/run/secrets/azure/tokens/azure-identity-token"))
            .clientIdIfSet("connection-client")
            .tenantIdIfSet(" ")
            .build();
    assertThat(c.clientId()).isEqualTo("connection-client");
    assertThat(c.tenantId()).isEqualTo("env-tenant");
    assertThat(c.authorityHost().toString()).isEqualTo("https://login.microsoftonline.com/");
    assertThat(c.type()).isEqualTo("WorkloadIdentity");
    assertThatThrownBy(() -> WorkloadIdentityCredential.fromEnvironment(Map.of()).build())
        .hasMessageContaining("AZURE_CLIENT_ID");
    assertThatThrownBy(
            () ->
                WorkloadIdentityCredential.fromEnvironment(
                        Map.of(
                            "AZURE_CLIENT_ID", "c",
                            "AZURE_TENANT_ID", "t",
                            "AZURE_FEDERATED_TOKEN_FILE", "/f",
                            "AZURE_AUTHORITY_HOST", "http://login.example"))
                    .build())
        .hasMessageContaining("not an https URL");
  }

  /** The margin is 5 minutes, or half the lifetime of a shorter-lived token. */
  @Property
  void aTokenIsReplacedAtTheLaterOfHalfLifeAndFiveMinutesBeforeExpiry(
      @ForAll @LongRange(min = 2, max = 86_400) long lifetimeSeconds) {
    WorkloadIdentityCredential c =
        WorkloadIdentityCredential.builder()
            .clientId("c")
            .tenantId("t")
            .federatedTokenFile(Path.of("/none"))
            .build();
    Duration lifetime = Duration.ofSeconds(lifetimeSeconds);
    Duration margin = c.refreshMargin(lifetime);
    assertThat(margin).isLessThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(margin).isLessThanOrEqualTo(lifetime.dividedBy(2));
    assertThat(margin)
        .isEqualTo(
            lifetime.dividedBy(2).compareTo(Duration.ofMinutes(5)) < 0
                ? lifetime.dividedBy(2)
                : Duration.ofMinutes(5));
  }
}
