package io.dpsoperator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsTls;
import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.OkHttpDpsClient;
import io.dpsoperator.dps.auth.WorkloadIdentityCredential;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.emulator.DpsEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's workload identity stand-in lets a client with that environment write to DPS. */
class DemoWorkloadIdentityTest {
  @TempDir Path dir;

  @Test
  void aClientWithTheInjectedEnvironmentWritesAnEnrollment() {
    DemoWorkloadIdentity identity = new DemoWorkloadIdentity("dps-operator", "dps-operator", dir);
    try (DpsEmulator dps = identity.configure(DpsEmulator.builder().port(0)).build().start()) {
      identity.writeToken(Instant.now(), Duration.ofHours(1));
      var tm = DpsTls.trustManager(dps.caCertificatePem());
      WorkloadIdentityCredential credential =
          WorkloadIdentityCredential.fromEnvironment(identity.environment(dps))
              .httpClient(
                  new OkHttpClient.Builder().sslSocketFactory(DpsTls.socketFactory(tm), tm).build())
              .build();
      String key = "ZGVtby1rZXktb2YtMzItYnl0ZXMtbG9uZy4uLi4uLi4=";
      try (OkHttpDpsClient client =
          new OkHttpDpsClient(
              DpsClientConfig.builder(dps.hostName(), credential)
                  .caBundlePem(dps.caCertificatePem())
                  .build())) {
        client.createOrUpdateIndividualEnrollment(
            IndividualEnrollment.builder("demo-wi-1")
                .attestation(
                    AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(key, key)))
                .build(),
            IfMatch.absent());
        assertThat(client.getIndividualEnrollment("demo-wi-1").registrationId())
            .isEqualTo("demo-wi-1");
      }
      assertThat(dps.entraTokensIssued()).isEqualTo(1);
    }
  }
}
