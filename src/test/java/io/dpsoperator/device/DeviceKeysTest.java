package io.dpsoperator.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceKeysTest {
  // dps-api-facts §5.3, the documentation's test vector.
  static final String GROUP_KEY =
      "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
  static final String REGISTRATION_ID = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";
  static final String DERIVED_KEY = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=";

  @Test
  void derivesTheDocumentedDeviceKeyFromTheGroupKey() {
    assertThat(DeviceKeys.derive(GROUP_KEY, REGISTRATION_ID)).isEqualTo(DERIVED_KEY);
  }

  @Test
  void signsTheEncodedResourceUriAsInTheTestVector() {
    String token = DeviceKeys.sasToken("0ne00111111", REGISTRATION_ID, DERIVED_KEY, 1700000000L);

    assertThat(token)
        .isEqualTo(
            "SharedAccessSignature sr=0ne00111111%2Fregistrations%2F"
                + REGISTRATION_ID
                + "&sig=2srIk05%2FHc3kiyY2AcAwJosiRYk6C6jOscAYhKLO2L8%3D"
                + "&se=1700000000&skn=registration");
  }

  @Test
  void refusesAKeyThatIsNotBase64WithoutQuotingIt() {
    assertThatThrownBy(() -> DeviceKeys.derive("not*base64*secret", "dev"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Group key is not valid base64");
    assertThatThrownBy(() -> DeviceKeys.sasToken("0ne1", "dev", "not*base64*secret", 1L))
        .hasMessageNotContaining("secret");
  }
}
