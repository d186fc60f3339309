package io.dpsoperator.dps;

import static io.dpsoperator.dps.DpsFixtures.KEY;
import static io.dpsoperator.dps.DpsFixtures.enrollmentJson;
import static io.dpsoperator.dps.DpsFixtures.json;
import static io.dpsoperator.dps.OkHttpDpsClientWireTest.catchDps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.X509TrustManager;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with the system trust store plus a PEM CA bundle; no check is ever switched off. */
class OkHttpDpsClientTlsTest {
  private static final HeldCertificate TRUSTED_CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Test DPS CA").build();
  private static final HeldCertificate OTHER_CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Unknown CA").build();

  private final FakeTime time = new FakeTime();
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private void serveTls(HeldCertificate issuer, String... names) {
    HeldCertificate.Builder leaf = new HeldCertificate.Builder().commonName("dps").signedBy(issuer);
    for (String n : names) {
      leaf.addSubjectAlternativeName(n);
    }
    HandshakeCertificates certs =
        new HandshakeCertificates.Builder()
            .heldCertificate(leaf.build(), issuer.certificate())
            .build();
    server.useHttps(certs.sslSocketFactory(), false);
  }

  private void serveTls(HeldCertificate issuer) {
    serveTls(issuer, server.getHostName(), "localhost", "127.0.0.1");
  }

  private DpsClientConfig.Builder httpsConfig() {
    // No scheme in HostName: HTTPS.
    return DpsClientConfig.builder(
            "HostName="
                + DpsFixtures.hostPort(server)
                + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                + KEY)
        .maxRetries(2)
        .requestTimeout(Duration.ofSeconds(10))
        .clock(time.clock())
        .sleeper(time)
        .nanoTicker(time);
  }

  @Test
  void trustsAServerWhoseCaIsInThePemBundle() throws Exception {
    serveTls(TRUSTED_CA);
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    String bundle = "# our emulator CA\n" + TRUSTED_CA.certificatePem() + "\ntrailing text\n";
    try (OkHttpDpsClient client = new OkHttpDpsClient(httpsConfig().caBundlePem(bundle).build())) {
      assertThat(client.getIndividualEnrollment("dev-1").registrationId()).isEqualTo("dev-1");
    }
    RecordedRequest r = DpsFixtures.take(server);
    assertThat(r.getHandshake()).isNotNull();
    assertThat(r.getRequestUrl().scheme()).isEqualTo("https");
    assertThat(r.getRequestUrl().queryParameter("api-version")).isEqualTo("2021-10-01");
  }

  @Test
  void readsTheBundleFromAPath(@TempDir Path dir) throws Exception {
    serveTls(TRUSTED_CA);
    Path bundle = dir.resolve("ca.pem");
    Files.writeString(bundle, OTHER_CA.certificatePem() + TRUSTED_CA.certificatePem());
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    try (OkHttpDpsClient client = new OkHttpDpsClient(httpsConfig().caBundlePath(bundle).build())) {
      assertThat(client.getIndividualEnrollment("dev-1").etag()).isEqualTo("\"1\"");
    }
  }

  @Test
  void rejectsAServerCertificateFromAnUntrustedCa() {
    serveTls(OTHER_CA);
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    DpsException e;
    try (OkHttpDpsClient client =
        new OkHttpDpsClient(httpsConfig().caBundlePem(TRUSTED_CA.certificatePem()).build())) {
      e = catchDps(() -> client.getIndividualEnrollment("dev-1"));
    }
    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).contains("TLS failure");
    assertThat(server.getRequestCount()).isZero();
    // A certificate problem does not heal in seconds: no in-client retry.
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void rejectsAServerWithoutABundle() {
    serveTls(TRUSTED_CA);
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    try (OkHttpDpsClient client = new OkHttpDpsClient(httpsConfig().build())) {
      assertThat(catchDps(() -> client.getIndividualEnrollment("dev-1")).status()).isZero();
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void keepsHostNameVerification() {
    serveTls(TRUSTED_CA, "somewhere-else.example");
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    DpsException e;
    try (OkHttpDpsClient client =
        new OkHttpDpsClient(httpsConfig().caBundlePem(TRUSTED_CA.certificatePem()).build())) {
      e = catchDps(() -> client.getIndividualEnrollment("dev-1"));
    }
    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).contains("TLS failure");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void refusesABadBundleAtConstruction(@TempDir Path dir) {
    assertThatThrownBy(() -> new OkHttpDpsClient(httpsConfig().caBundlePem("not a pem").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no PEM certificate");
    assertThatThrownBy(
            () ->
                new OkHttpDpsClient(
                    httpsConfig()
                        .caBundlePem(
                            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be parsed");
    assertThatThrownBy(
            () ->
                new OkHttpDpsClient(httpsConfig().caBundlePath(dir.resolve("missing.pem")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Could not read the DPS CA bundle");
  }

  @Test
  void refusesHttpUnlessAllowed() {
    String http = "HostName=http://localhost:8080;SharedAccessKeyName=owner;SharedAccessKey=" + KEY;
    assertThatThrownBy(() -> DpsClientConfig.builder(http).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://")
        .hasMessageContaining("allowHttp")
        .hasMessageNotContaining(KEY);
    assertThat(DpsClientConfig.builder(http).allowHttp(true).build().scheme()).isEqualTo("http");
    // allowHttp alone does not downgrade a host without scheme.
    assertThat(
            DpsClientConfig.builder(
                    "HostName=localhost:8443;SharedAccessKeyName=o;SharedAccessKey=" + KEY)
                .allowHttp(true)
                .build()
                .scheme())
        .isEqualTo("https");
  }

  @Test
  void theBundleAddsToTheSystemTrustStore() {
    X509TrustManager tm = DpsTls.trustManager(TRUSTED_CA.certificatePem());
    X509Certificate[] issuers = tm.getAcceptedIssuers();
    X509Certificate[] system = DpsTls.systemTrustManager().getAcceptedIssuers();
    assertThat(issuers).hasSize(system.length + 1);
    assertThat(Arrays.asList(issuers))
        .contains(TRUSTED_CA.certificate())
        .containsAll(Arrays.asList(system));
  }
}
