package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.TestClient.Resp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SAS and derived-key test vectors of the facts file, and the emulator accepting them. */
class SasTest {
  static final String SERVICE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  static final String GROUP_KEY =
      "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
  static final String DEVICE = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";
  static final String DERIVED = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=";
  static final String ENCODED_SIG = "2srIk05/Hc3kiyY2AcAwJosiRYk6C6jOscAYhKLO2L8=";
  static final String RAW_SIG = "/+eah6KDNGyh0EVauDWy8TsgRl239ASFozi9g+rShXg=";

  @Test
  void serviceVector() {
    assertThat(Sas.sign(SERVICE_KEY, "mydps.azure-devices-provisioning.net\n1700000000"))
        .isEqualTo("xXBqEKztXMACe9dg1gMBreO/8CMn3ovt++xDvPb6Xl0=");
    assertThat(
            Sas.serviceToken(
                "mydps.azure-devices-provisioning.net",
                SERVICE_KEY,
                "provisioningserviceowner",
                1700000000))
        .contains("sig=xXBqEKztXMACe9dg1gMBreO%2F8CMn3ovt%2B%2BxDvPb6Xl0%3D");
  }

  @Test
  void derivedKeyAndDeviceVectors() {
    assertThat(Sas.deriveDeviceKey(GROUP_KEY, DEVICE)).isEqualTo(DERIVED);
    assertThat(Sas.sign(DERIVED, "0ne00111111%2Fregistrations%2F" + DEVICE + "\n1700000000"))
        .isEqualTo(ENCODED_SIG);
    assertThat(Sas.sign(DERIVED, "0ne00111111/registrations/" + DEVICE + "\n1700000000"))
        .isEqualTo(RAW_SIG);
  }

  @Test
  void parsedTokensOfBothStylesVerify() {
    byte[] key = java.util.Base64.getDecoder().decode(DERIVED);
    Sas.Token encoded =
        Sas.parse(
            "SharedAccessSignature sr=0ne00111111%2Fregistrations%2F"
                + DEVICE
                + "&sig=2srIk05%2FHc3kiyY2AcAwJosiRYk6C6jOscAYhKLO2L8%3D&se=1700000000&skn=registration");
    Sas.Token raw =
        Sas.parse(
            "SharedAccessSignature sr=0ne00111111/registrations/"
                + DEVICE
                + "&sig=%2F%2Beah6KDNGyh0EVauDWy8TsgRl239ASFozi9g%2BrShXg%3D&se=1700000000&skn=");
    assertThat(Sas.verify(encoded, key)).isTrue();
    assertThat(Sas.verify(raw, key)).isTrue();
    assertThat(encoded.sr()).isEqualTo("0ne00111111/registrations/" + DEVICE);
    assertThat(Sas.verify(raw, java.util.Base64.getDecoder().decode(SERVICE_KEY))).isFalse();
  }

  /** The emulator, with its clock before 1700000000, accepts the vector tokens verbatim. */
  @Test
  void emulatorAcceptsTheVectorTokens() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_699_999_000L), ZoneOffset.UTC);
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .idScope("0ne00111111")
            .clock(clock)
            .policy(
                "provisioningserviceowner",
                SERVICE_KEY,
                java.util.EnumSet.allOf(EmulatorRight.class))
            .build()
            .start()) {
      TestClient client = new TestClient(dps);
      String serviceToken =
          Sas.serviceToken(dps.hostName(), SERVICE_KEY, "provisioningserviceowner", 1700000000);
      Resp group =
          client.call(
              "PUT",
              "/enrollmentGroups/vector-group?" + TestClient.API,
              Map.of(
                  "attestation",
                  Map.of("type", "symmetricKey", "symmetricKey", Map.of("primaryKey", GROUP_KEY))),
              "Authorization",
              serviceToken);
      assertThat(group.status()).as(group.body()).isEqualTo(200);
      for (String token :
          new String[] {
            "SharedAccessSignature sr=0ne00111111%2Fregistrations%2F"
                + DEVICE
                + "&sig=2srIk05%2FHc3kiyY2AcAwJosiRYk6C6jOscAYhKLO2L8%3D&se=1700000000&skn=registration",
            "SharedAccessSignature sr=0ne00111111/registrations/"
                + DEVICE
                + "&sig=%2F%2Beah6KDNGyh0EVauDWy8TsgRl239ASFozi9g%2BrShXg%3D&se=1700000000&skn="
          }) {
        Resp r =
            client.device(
                "PUT",
                "/registrations/" + DEVICE + "/register",
                token,
                Map.of("registrationId", DEVICE));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
      }
    }
  }
}
