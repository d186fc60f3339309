package io.dpsoperator.dps.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsCredentialException;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.DpsTls;
import io.dpsoperator.dps.FakeTime;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.OkHttpDpsClient;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.EntraRole;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Workload identity end to end over real HTTPS: a test cluster issuer signs service account tokens,
 * the emulator plays the Entra ID tenant and DPS, and {@link WorkloadIdentityCredential} with
 * {@link OkHttpDpsClient} is the client. Time is fake on both sides, so token expiry is exact.
 */
class WorkloadIdentityTest {
  static final String TENANT = "72f988bf-0000-4000-8000-0000000000aa";
  static final String CONTRIBUTOR = "11111111-0000-4000-8000-000000000001";
  static final String READER = "22222222-0000-4000-8000-000000000002";
  static final String NO_ROLE = "33333333-0000-4000-8000-000000000003";
  static final String SUBJECT = "system:serviceaccount:dps-operator:dps-operator";
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

  private final FakeTime time = new FakeTime(Instant.parse("2026-12-02T10:00:00Z"));
  private static final TestOidcIssuer CLUSTER =
      new TestOidcIssuer("https://oidc.CLUSTER.test/abc123");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<String> messages = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();
  private Logger root;
  private Level previousLevel;
  private DpsEmulator dps;
  private OkHttpClient trusting;

  @TempDir Path dir;
  Path tokenFile;

  @BeforeEach
  void start() throws Exception {
    root = (Logger) LoggerFactory.getLogger("io.dpsoperator");
    previousLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    dps =
        DpsEmulator.builder()
            .port(0)
            .clock(time.clock())
            .entraTenant(TENANT)
            .entraTokenLifetime(TOKEN_LIFETIME)
            .federatedIssuerKey(CLUSTER.issuer(), CLUSTER.publicKey())
            .federatedCredential(CONTRIBUTOR, CLUSTER.issuer(), SUBJECT, TestOidcIssuer.AUDIENCE)
            .federatedCredential(READER, CLUSTER.issuer(), SUBJECT, TestOidcIssuer.AUDIENCE)
            .federatedCredential(NO_ROLE, CLUSTER.issuer(), SUBJECT, TestOidcIssuer.AUDIENCE)
            .entraRole(CONTRIBUTOR, EntraRole.DATA_CONTRIBUTOR)
            .entraRole(READER, EntraRole.DATA_READER)
            .build()
            .start();
    X509TrustManager tm = DpsTls.trustManager(dps.caCertificatePem());
    trusting = new OkHttpClient.Builder().sslSocketFactory(DpsTls.socketFactory(tm), tm).build();
    tokenFile = dir.resolve("azure-identity-token");
    rotate(Duration.ofHours(1));
  }

  @AfterEach
  void stop() {
    dps.close();
    root.detachAppender(logs);
    root.setLevel(previousLevel);
    // No token, assertion or key in any log line or exception message of the test.
    List<String> texts = new ArrayList<>(messages);
    logs.list.forEach(
        e -> {
          texts.add(e.getFormattedMessage());
          if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(kv -> texts.add(kv.key + "=" + kv.value));
          }
        });
    for (String text : texts) {
      assertThat(text).doesNotContain("eyJ");
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  /** Writes a fresh service account token valid for {@code lifetime} into the token file. */
  private String rotate(Duration lifetime) throws Exception {
    String token = CLUSTER.token(SUBJECT, TestOidcIssuer.AUDIENCE, time.now(), lifetime);
    secrets.add(token);
    TestOidcIssuer.write(tokenFile, token);
    return token;
  }

  private WorkloadIdentityCredential credential(String clientId) {
    return WorkloadIdentityCredential.fromEnvironment(
            java.util.Map.of(
                "AZURE_CLIENT_ID",
                clientId,
                "AZURE_TENANT_ID",
                TENANT,
                "AZURE_FEDERATED_TOKEN_FILE",
                tokenFile.toString(),
                "AZURE_AUTHORITY_HOST",
                dps.authorityHost()))
        .clock(time.clock())
        .httpClient(trusting)
        .build();
  }

  private OkHttpDpsClient client(DpsCredential credential) {
    return new OkHttpDpsClient(
        DpsClientConfig.builder(dps.hostName(), credential)
            .caBundlePem(dps.caCertificatePem())
            .maxRetries(0)
            .clock(time.clock())
            .sleeper(time)
            .nanoTicker(time)
            .build());
  }

  private DpsException failure(Runnable call) {
    DpsException e = catchThrowableOfType(call::run, DpsException.class);
    assertThat(e).as("the call should have failed").isNotNull();
    messages.add(e.getMessage());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      messages.add(String.valueOf(c.getMessage()));
    }
    return e;
  }

  private static IndividualEnrollment enrollment(String id) {
    String key = Base64.getEncoder().encodeToString(("a-sixteen-byte-key-of-" + id).getBytes());
    return IndividualEnrollment.builder(id)
        .attestation(AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(key, key)))
        .build();
  }

  @Test
  void aContributorReadsAndWritesWithOneCachedToken() {
    try (OkHttpDpsClient client = client(credential(CONTRIBUTOR))) {
      client.createOrUpdateIndividualEnrollment(enrollment("dev-1"), IfMatch.absent());
      assertThat(client.getIndividualEnrollment("dev-1").registrationId()).isEqualTo("dev-1");
      assertThat(client.queryIndividualEnrollments(10, null).items()).hasSize(1);
      client.deleteIndividualEnrollment("dev-1", IfMatch.any());
      assertThat(client.credential().type()).isEqualTo("WorkloadIdentity");
    }
    assertThat(dps.entraTokensIssued()).isEqualTo(1);
  }

  @Test
  void theTokenIsRefreshedBeforeItExpiresAndTheOldOneIsThenRefused() throws Exception {
    WorkloadIdentityCredential credential = credential(CONTRIBUTOR);
    try (OkHttpDpsClient client = client(credential)) {
      client.createOrUpdateIndividualEnrollment(enrollment("dev-1"), IfMatch.absent());
      String first = credential.authorizationHeader();
      secrets.add(first.substring("Bearer ".length()));
      assertThat(dps.entraTokensIssued()).isEqualTo(1);

      // 10 min lifetime: kept for its first half, replaced in its last 5 minutes.
      time.advance(Duration.ofMinutes(4));
      client.getIndividualEnrollment("dev-1");
      assertThat(dps.entraTokensIssued()).isEqualTo(1);
      time.advance(Duration.ofMinutes(2));
      client.getIndividualEnrollment("dev-1");
      assertThat(dps.entraTokensIssued()).isEqualTo(2);
      String second = credential.authorizationHeader();
      secrets.add(second.substring("Bearer ".length()));
      assertThat(second).isNotEqualTo(first);

      // Across the first token's expiry the client goes on working; the old token does not.
      time.advance(Duration.ofMinutes(5));
      client.getIndividualEnrollment("dev-1");
      try (Response r = rawGet("enrollments/dev-1", first)) {
        assertThat(r.code()).isEqualTo(401);
        JsonNode body = json.readTree(r.body().string());
        assertThat(body.path("errorCode").asInt()).isEqualTo(401002);
        assertThat(body.path("message").asText()).isEqualTo("Unauthorized");
      }
    }
  }

  @Test
  void theRotatedTokenFileIsReadAtTheNextExchange() throws Exception {
    rotate(Duration.ofMinutes(15));
    try (OkHttpDpsClient client = client(credential(CONTRIBUTOR))) {
      client.createOrUpdateIndividualEnrollment(enrollment("dev-1"), IfMatch.absent());
      // The service account token and the access token have both expired; nothing rotated it.
      time.advance(Duration.ofMinutes(20));
      DpsException expired = failure(() -> client.getIndividualEnrollment("dev-1"));
      assertThat(expired).isInstanceOf(DpsCredentialException.class);
      assertThat(expired.authFailure()).contains(AuthFailure.FEDERATED_TOKEN_EXPIRED);
      assertThat(expired.isRetryable()).isFalse();
      assertThat(expired.getMessage()).contains(tokenFile.toString(), "expired");

      // The kubelet rotates the file: the next call exchanges the new token.
      rotate(Duration.ofHours(1));
      assertThat(client.getIndividualEnrollment("dev-1").registrationId()).isEqualTo("dev-1");
      assertThat(dps.entraTokensIssued()).isEqualTo(2);
    }
  }

  @Test
  void theReaderRoleReadsButIsRefusedOnWritesAndNothingIsWritten() {
    try (OkHttpDpsClient owner = client(credential(CONTRIBUTOR));
        OkHttpDpsClient reader = client(credential(READER))) {
      owner.createOrUpdateIndividualEnrollment(enrollment("dev-1"), IfMatch.absent());
      String etag = owner.getIndividualEnrollment("dev-1").etag();
      assertThat(reader.getIndividualEnrollment("dev-1").registrationId()).isEqualTo("dev-1");
      assertThat(reader.queryIndividualEnrollments(10, null).items()).hasSize(1);

      DpsException put =
          failure(
              () ->
                  reader.createOrUpdateIndividualEnrollment(enrollment("dev-2"), IfMatch.absent()));
      assertThat(put.status()).isEqualTo(403);
      assertThat(put.authFailure()).contains(AuthFailure.FORBIDDEN);
      assertThat(put.isRetryable()).isFalse();
      assertThat(put.getMessage()).contains("Data Contributor");
      DpsException delete =
          failure(() -> reader.deleteIndividualEnrollment("dev-1", IfMatch.any()));
      assertThat(delete.authFailure()).contains(AuthFailure.FORBIDDEN);

      assertThat(owner.queryIndividualEnrollments(10, null).items())
          .extracting(IndividualEnrollment::registrationId)
          .containsExactly("dev-1");
      assertThat(owner.getIndividualEnrollment("dev-1").etag()).isEqualTo(etag);
    }
  }

  @Test
  void aValidTokenWithoutARoleIsForbiddenEvenToRead() {
    try (OkHttpDpsClient client = client(credential(NO_ROLE))) {
      DpsException e = failure(() -> client.getIndividualEnrollment("dev-1"));
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.authFailure()).contains(AuthFailure.FORBIDDEN);
      assertThat(e.errorCode()).isEqualTo(403001);
    }
  }

  @Test
  void aTamperedOrForeignBearerTokenIsUnauthorized() throws Exception {
    WorkloadIdentityCredential credential = credential(READER);
    String token = credential.authorizationHeader().substring("Bearer ".length());
    secrets.add(token);
    String[] parts = token.split("\\.");
    String claims =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("Data Reader", "Data Contributor");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes())
            + "."
            + parts[2];
    // A token of the cluster issuer (right key shape, wrong issuer and audience) is no DPS token.
    String foreign =
        CLUSTER.token(
            SUBJECT, "https://azure-devices-provisioning.net", time.now(), Duration.ofHours(1));
    secrets.add(foreign);
    for (String bad : List.of(tampered, foreign, "not-a-jwt")) {
      try (Response r = rawGet("enrollments/dev-1", "Bearer " + bad)) {
        assertThat(r.code()).isEqualTo(401);
        assertThat(json.readTree(r.body().string()).path("errorCode").asInt()).isEqualTo(401002);
      }
    }
    try (Response r = rawGet("enrollments/dev-1", "Bearer " + token)) {
      assertThat(r.code()).isEqualTo(404);
    }
  }

  @Test
  void anAssertionWithoutAMatchingFederatedCredentialIsATokenExchangeFailure() throws Exception {
    String other =
        CLUSTER.token(
            "system:serviceaccount:other:other",
            TestOidcIssuer.AUDIENCE,
            time.now(),
            Duration.ofHours(1));
    secrets.add(other);
    TestOidcIssuer.write(tokenFile, other);
    try (OkHttpDpsClient client = client(credential(CONTRIBUTOR))) {
      DpsException e = failure(() -> client.getIndividualEnrollment("dev-1"));
      assertThat(e).isInstanceOf(DpsCredentialException.class);
      assertThat(e.authFailure()).contains(AuthFailure.TOKEN_EXCHANGE_FAILED);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage())
          .contains("AADSTS70021", "system:serviceaccount:other:other", CONTRIBUTOR)
          .doesNotContain("Trace ID");
    }
    assertThat(dps.serviceRequests().operations()).isZero();
  }

  @Test
  void anAssertionFromAnUntrustedKeyIsRefused() throws Exception {
    TestOidcIssuer impostor = new TestOidcIssuer(CLUSTER.issuer());
    String forged =
        impostor.token(SUBJECT, TestOidcIssuer.AUDIENCE, time.now(), Duration.ofHours(1));
    secrets.add(forged);
    TestOidcIssuer.write(tokenFile, forged);
    try (OkHttpDpsClient client = client(credential(CONTRIBUTOR))) {
      DpsException e = failure(() -> client.getIndividualEnrollment("dev-1"));
      assertThat(e.authFailure()).contains(AuthFailure.TOKEN_EXCHANGE_FAILED);
      assertThat(e.getMessage()).contains("AADSTS700211");
    }
    assertThat(dps.entraTokensIssued()).isZero();
  }

  @Test
  void aMissingTokenFileIsFederatedTokenUnavailable() throws Exception {
    Files.delete(tokenFile);
    try (OkHttpDpsClient client = client(credential(CONTRIBUTOR))) {
      DpsException e = failure(() -> client.getIndividualEnrollment("dev-1"));
      assertThat(e.authFailure()).contains(AuthFailure.FEDERATED_TOKEN_UNAVAILABLE);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage()).contains(tokenFile.toString(), "azure.workload.identity/use");
    }
  }

  @Test
  void concurrentCallersShareOneExchange() throws Exception {
    WorkloadIdentityCredential credential = credential(CONTRIBUTOR);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        calls.add(credential::authorizationHeader);
      }
      List<String> headers = new ArrayList<>();
      for (Future<String> f : pool.invokeAll(calls)) {
        headers.add(f.get());
      }
      secrets.add(headers.get(0).substring("Bearer ".length()));
      assertThat(headers).allMatch(headers.get(0)::equals);
    } finally {
      pool.shutdownNow();
    }
    assertThat(dps.entraTokensIssued()).isEqualTo(1);
  }

  @Test
  void theIssuedTokenVerifiesAgainstThePublishedKeySet() throws Exception {
    String base = dps.authorityHost() + TENANT;
    JsonNode config;
    try (Response r =
        trusting
            .newCall(
                new Request.Builder().url(base + "/v2.0/.well-known/openid-configuration").build())
            .execute()) {
      assertThat(r.code()).isEqualTo(200);
      config = json.readTree(r.body().string());
    }
    assertThat(config.path("issuer").asText()).isEqualTo(base + "/v2.0");
    assertThat(config.path("token_endpoint").asText()).isEqualTo(base + "/oauth2/v2.0/token");
    JsonNode key;
    try (Response r =
        trusting
            .newCall(new Request.Builder().url(config.path("jwks_uri").asText()).build())
            .execute()) {
      key = json.readTree(r.body().string()).path("keys").get(0);
    }
    String token = credential(READER).authorizationHeader().substring("Bearer ".length());
    secrets.add(token);
    String[] parts = token.split("\\.");
    JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(header.path("alg").asText()).isEqualTo("RS256");
    assertThat(header.path("kid").asText()).isEqualTo(key.path("kid").asText());
    PublicKey publicKey =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asText())),
                    new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asText()))));
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(publicKey);
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    assertThat(claims.path("iss").asText()).isEqualTo(base + "/v2.0");
    assertThat(claims.path("aud").asText()).isEqualTo("https://azure-devices-provisioning.net");
    assertThat(claims.path("appid").asText()).isEqualTo(READER);
    assertThat(claims.path("roles").get(0).asText())
        .isEqualTo("Device Provisioning Service Data Reader");
    assertThat(claims.path("exp").asLong() - claims.path("nbf").asLong())
        .isEqualTo(TOKEN_LIFETIME.toSeconds());
  }

  @Test
  void theTokenEndpointTakesMsalsScopeListAndRefusesOtherResources() throws Exception {
    String assertion = Files.readString(tokenFile);
    for (var scope :
        List.of(
            "openid profile offline_access https://azure-devices-provisioning.net/.default",
            "https://management.azure.com/.default")) {
      okhttp3.FormBody form =
          new okhttp3.FormBody.Builder()
              .add("grant_type", "client_credentials")
              .add("client_id", CONTRIBUTOR)
              .add(
                  "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
              .add("client_assertion", assertion)
              .add("scope", scope)
              .build();
      try (Response r =
          trusting
              .newCall(
                  new Request.Builder()
                      .url(dps.authorityHost() + TENANT + "/oauth2/v2.0/token")
                      .post(form)
                      .build())
              .execute()) {
        JsonNode body = json.readTree(r.body().string());
        if (scope.startsWith("openid")) {
          assertThat(r.code()).isEqualTo(200);
          secrets.add(body.path("access_token").asText());
          assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        } else {
          assertThat(r.code()).isEqualTo(400);
          assertThat(body.path("error").asText()).isEqualTo("invalid_scope");
          assertThat(body.path("error_codes").get(0).asInt()).isEqualTo(1002012);
        }
      }
    }
  }

  private Response rawGet(String path, String authorization) throws Exception {
    return trusting
        .newCall(
            new Request.Builder()
                .url("https://" + dps.hostName() + "/" + path + "?api-version=2021-10-01")
                .header("Authorization", authorization)
                .build())
        .execute();
  }
}
