package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadFormatException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientException;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * The instance limits through the official Java service SDK (provisioning-service-client 2.0.3),
 * which only talks to port 443: the emulator listens on 443 of a random 127.x.y.z address, so
 * several runs on one machine do not collide.
 */
class LimitsSdkTest {

  @Test
  void theServiceSdkMeetsEachLimit() throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String address = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + ".7";
    CertificateAuthority root = CertificateAuthority.createRoot("sdk-limits-root");
    DpsEmulator dps;
    try {
      dps =
          DpsEmulator.builder()
              .port(443)
              .bindAddress(address)
              .hostName(address)
              .adminPort(-1)
              .verifiedCa("fleet-root", root.certificatePem())
              .build()
              .start();
    } catch (RuntimeException e) {
      assumeTrue(false, "port 443 of " + address + " is not available: " + e.getMessage());
      return;
    }
    SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(dps.clientSslContext().getSocketFactory());
    try (dps) {
      ProvisioningServiceClient service =
          new ProvisioningServiceClient(dps.serviceConnectionString());

      // 100 symmetric-key groups fit; the 101st is refused.
      for (int i = 0; i < InstanceLimits.MAX_SYMMETRIC_KEY_GROUPS; i++) {
        service.createOrUpdateEnrollmentGroup(
            new EnrollmentGroup("sdk-group-" + i, new SymmetricKeyAttestation("", "")));
      }
      assertThatThrownBy(
              () ->
                  service.createOrUpdateEnrollmentGroup(
                      new EnrollmentGroup("sdk-group-100", new SymmetricKeyAttestation("", ""))))
          .isInstanceOf(ProvisioningServiceClientException.class)
          .hasMessageContaining("403002")
          .hasMessageContaining("maximum");

      // caReferences must name a CA verified on the instance.
      assertThatThrownBy(
              () ->
                  service.createOrUpdateEnrollmentGroup(
                      new EnrollmentGroup(
                          "sdk-ca-unknown", X509Attestation.createFromCAReferences("other", null))))
          .isInstanceOf(ProvisioningServiceClientBadFormatException.class)
          .hasMessageContaining("caReferences.primary");
      EnrollmentGroup ca =
          service.createOrUpdateEnrollmentGroup(
              new EnrollmentGroup(
                  "sdk-ca-known", X509Attestation.createFromCAReferences("fleet-root", null)));
      assertThat(((X509Attestation) ca.getAttestation()).getCAReferences().getPrimary())
          .isEqualTo("fleet-root");

      // A record over 96 KB.
      IndividualEnrollment large =
          new IndividualEnrollment("sdk-large", new SymmetricKeyAttestation("", ""));
      TwinCollection tags = new TwinCollection();
      tags.put("pad", "x".repeat(InstanceLimits.MAX_RECORD_BYTES));
      large.setInitialTwin(new TwinState(tags, null));
      assertThatThrownBy(() -> service.createOrUpdateIndividualEnrollment(large))
          .isInstanceOf(ProvisioningServiceClientException.class)
          .hasMessageContaining("413001");

      // Ids: no special character at the start or the end.
      assertThatThrownBy(
              () ->
                  service.createOrUpdateIndividualEnrollment(
                      new IndividualEnrollment("ends-", new SymmetricKeyAttestation("", ""))))
          .isInstanceOf(ProvisioningServiceClientBadFormatException.class);
      AttestationMechanism keys = service.getEnrollmentGroupAttestationMechanism("sdk-group-0");
      assertThat(((SymmetricKeyAttestation) keys.getAttestation()).getPrimaryKey()).isNotEmpty();
    } finally {
      HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
  }
}
