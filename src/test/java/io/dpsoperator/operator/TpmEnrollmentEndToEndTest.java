package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.emulator.Swtpm;
import io.dpsoperator.emulator.SwtpmSecurityProvider;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TPM device end to end: an IndividualEnrollment with the endorsement key of a software TPM
 * (swtpm) is synced by the operator to the emulator, the device registers through the official
 * device client and the TPM challenge, and the resource's status shows it assigned. Skipped when
 * swtpm is not installed.
 */
class TpmEnrollmentEndToEndTest {
  private static Swtpm swtpm;
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    swtpm = Swtpm.start();
    env = OperatorTestEnvironment.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
    if (swtpm != null) {
      swtpm.close();
    }
  }

  @Test
  void aTpmDeviceRegistersAgainstItsIndividualEnrollment() throws Exception {
    SwtpmSecurityProvider device =
        new SwtpmSecurityProvider(
            SwtpmSecurityProvider.connect(swtpm), "tpm-e2e-01", env.emulator.clientSslContext());
    String ek = Base64.getEncoder().encodeToString(device.getEndorsementKey());
    String ns = env.newNamespace();
    IndividualEnrollment r =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "tpm-e2e-01",
                    Fixtures.tpm(ek).andThen(s -> s.setDeviceId("tpm-e2e-device"))))
            .create();
    env.awaitReady(r, "True", "Synced");

    ProvisioningDeviceClient client =
        ProvisioningDeviceClient.create(
            env.emulator.deviceEndpoint(),
            env.emulator.idScope(),
            ProvisioningDeviceClientTransportProtocol.HTTPS,
            device);
    ProvisioningDeviceClientRegistrationResult result;
    try {
      result = client.registerDeviceSync(60);
    } finally {
      client.close();
    }
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getDeviceId()).isEqualTo("tpm-e2e-device");

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              var state = env.fresh(r).getStatus().getRegistrationState();
              assertThat(state).isNotNull();
              assertThat(state.getStatus()).isEqualTo("assigned");
              assertThat(state.getDeviceId()).isEqualTo("tpm-e2e-device");
              assertThat(state.getAssignedHub()).isEqualTo("hub-a.azure-devices.net");
            });
  }
}
