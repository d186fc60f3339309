package io.dpsoperator.dps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.dps.auth.ConnectionString;
import io.dpsoperator.dps.auth.DpsCredential;
import io.dpsoperator.dps.auth.SasCredential;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

/** A client built from a host and a credential, next to the connection-string path. */
class DpsClientConfigCredentialTest {
  private static final DpsCredential BEARER =
      new DpsCredential() {
        @Override
        public String authorizationHeader() {
          return "Bearer header.payload.signature";
        }

        @Override
        public String type() {
          return WORKLOAD_IDENTITY;
        }
      };

  @Test
  void aHostWithSchemeAndPortIsSplit() {
    DpsClientConfig c =
        DpsClientConfig.builder("https://mydps.azure-devices-provisioning.net:8443/", BEARER)
            .build();
    assertThat(c.hostName()).isEqualTo("mydps.azure-devices-provisioning.net:8443");
    assertThat(c.scheme()).isEqualTo("https");
    assertThat(c.connectionString()).isNull();
    assertThat(c.credentialOrNew()).isSameAs(BEARER);
    assertThat(c.toString()).contains("credential=WorkloadIdentity").doesNotContain("payload");
    assertThat(DpsClientConfig.builder("mydps.example", BEARER).build().scheme())
        .isEqualTo("https");
  }

  @Test
  void badHostsAndPlainHttpAreRefused() {
    assertThatThrownBy(() -> DpsClientConfig.builder("my dps", BEARER).build())
        .hasMessageContaining("not a host name");
    assertThatThrownBy(() -> DpsClientConfig.builder("ftp://dps.example", BEARER).build())
        .hasMessageContaining("unsupported scheme");
    assertThatThrownBy(() -> DpsClientConfig.builder("http://dps.example", BEARER).build())
        .hasMessageContaining("allowHttp");
    assertThatThrownBy(() -> DpsClientConfig.builder("", BEARER)).hasMessageContaining("empty");
  }

  @Test
  void theConnectionStringPathMakesASasCredential() {
    DpsClientConfig c =
        DpsClientConfig.builder(
                "HostName=dps.example;SharedAccessKeyName=owner;SharedAccessKey=" + DpsFixtures.KEY)
            .build();
    assertThat(c.hostName()).isEqualTo("dps.example");
    assertThat(c.credential()).isNull();
    DpsCredential sas = c.credentialOrNew();
    assertThat(sas).isInstanceOf(SasCredential.class);
    assertThat(sas.type()).isEqualTo("SharedAccessKey");
    assertThat(sas.authorizationHeader()).startsWith("SharedAccessSignature sr=dps.example&sig=");
    assertThat(
            SasCredential.of(
                    ConnectionString.parse(
                        "HostName=dps.example;SharedAccessKeyName=owner;SharedAccessKey="
                            + DpsFixtures.KEY))
                .type())
        .isEqualTo("SharedAccessKey");
  }

  @Test
  void theClientSendsTheCredentialsHeader() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(
          DpsFixtures.json("{\"registrationId\":\"dev-1\",\"attestation\":{\"type\":\"none\"}}"));
      try (OkHttpDpsClient client =
          new OkHttpDpsClient(
              DpsClientConfig.builder("http://" + DpsFixtures.hostPort(server), BEARER)
                  .allowHttp(true)
                  .build())) {
        client.getIndividualEnrollment("dev-1");
        assertThat(client.hostName()).isEqualTo(DpsFixtures.hostPort(server));
      }
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer header.payload.signature");
    }
  }

  @Test
  void a401MakesTheCredentialDropItsCachedToken() throws Exception {
    java.util.concurrent.atomic.AtomicInteger invalidated =
        new java.util.concurrent.atomic.AtomicInteger();
    DpsCredential counting =
        new DpsCredential() {
          @Override
          public String authorizationHeader() {
            return "Bearer a.b.c";
          }

          @Override
          public String type() {
            return WORKLOAD_IDENTITY;
          }

          @Override
          public void invalidate() {
            invalidated.incrementAndGet();
          }
        };
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(DpsFixtures.error(403, 403001, "t-1", "Forbidden"));
      server.enqueue(DpsFixtures.error(401, 401002, "t-2", "Unauthorized"));
      try (OkHttpDpsClient client =
          new OkHttpDpsClient(
              DpsClientConfig.builder("http://" + DpsFixtures.hostPort(server), counting)
                  .allowHttp(true)
                  .maxRetries(0)
                  .build())) {
        DpsException forbidden =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> client.getIndividualEnrollment("dev-1"), DpsException.class);
        assertThat(forbidden.authFailure()).contains(io.dpsoperator.dps.auth.AuthFailure.FORBIDDEN);
        assertThat(invalidated).hasValue(0);
        DpsException unauthorized =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> client.getIndividualEnrollment("dev-1"), DpsException.class);
        assertThat(unauthorized.authFailure())
            .contains(io.dpsoperator.dps.auth.AuthFailure.UNAUTHORIZED);
        assertThat(invalidated).hasValue(1);
      }
    }
  }
}
