package io.dpsoperator.dps.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionStringTest {
  static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  @Test
  void parsesTheStandardForm() {
    ConnectionString cs =
        ConnectionString.parse(
            "HostName=mydps.azure-devices-provisioning.net;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                + KEY);
    assertThat(cs.hostName()).isEqualTo("mydps.azure-devices-provisioning.net");
    assertThat(cs.scheme()).isEmpty();
    assertThat(cs.sharedAccessKeyName()).contains("provisioningserviceowner");
    assertThat(cs.sharedAccessKey()).contains(KEY);
    assertThat(cs.sharedAccessSignature()).isEmpty();
  }

  @Test
  void acceptsAnyOrderSpacesTrailingSemicolonAndPort() {
    ConnectionString cs =
        ConnectionString.parse(
            " SharedAccessKey=" + KEY + " ; HostName=localhost:8443;SharedAccessKeyName=owner; ");
    assertThat(cs.hostName()).isEqualTo("localhost:8443");
    assertThat(cs.sharedAccessKey()).contains(KEY);
  }

  @Test
  void acceptsAnExplicitScheme() {
    ConnectionString cs =
        ConnectionString.parse(
            "HostName=http://127.0.0.1:8080/;SharedAccessKeyName=owner;SharedAccessKey=" + KEY);
    assertThat(cs.scheme()).contains("http");
    assertThat(cs.hostName()).isEqualTo("127.0.0.1:8080");
  }

  @Test
  void acceptsASignatureInsteadOfAKey() {
    String sas =
        "SharedAccessSignature sr=mydps.azure-devices-provisioning.net&sig=abc%3D&se=1700000000&skn=owner";
    ConnectionString cs =
        ConnectionString.parse(
            "HostName=mydps.azure-devices-provisioning.net;SharedAccessSignature=" + sas);
    assertThat(cs.sharedAccessSignature()).contains(sas);
    assertThat(cs.sharedAccessKey()).isEmpty();
    assertThat(cs.toString()).doesNotContain("abc").contains("SharedAccessSignature=***");
  }

  @Test
  void toStringHidesTheKey() {
    ConnectionString cs =
        ConnectionString.parse(
            "HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey=" + KEY);
    assertThat(cs.toString())
        .isEqualTo("HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey=***")
        .doesNotContain(KEY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "HostName=h.example;SharedAccessKeyName=owner",
        "SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=;SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=h.example;SharedAccessKey=" + KEY,
        "HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey=",
        "HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey=not*base64!" + KEY,
        "HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey=" + KEY + ";" + KEY,
        "HostName=h.example;HostName=h2;SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=h example;SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=ftp://h.example;SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=h.example:99999;SharedAccessKeyName=owner;SharedAccessKey=" + KEY,
        "HostName=h.example;SharedAccessKeyName=owner;SharedAccessKey="
            + KEY
            + ";SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1",
        "HostName=h.example;SharedAccessSignature=" + KEY,
      })
  void rejectsMalformedInputWithoutRevealingTheKey(String input) {
    assertThatThrownBy(() -> ConnectionString.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("DPS connection string")
        .hasNoCause()
        .message()
        .doesNotContain(KEY)
        .doesNotContain("not*base64");
  }

  @Test
  void namesWhatIsMissing() {
    assertThatThrownBy(() -> ConnectionString.parse("SharedAccessKeyName=o;SharedAccessKey=" + KEY))
        .hasMessageContaining("no HostName");
    assertThatThrownBy(() -> ConnectionString.parse("HostName=h;SharedAccessKeyName=o"))
        .hasMessageContaining("neither SharedAccessKey nor SharedAccessSignature");
    assertThatThrownBy(
            () -> ConnectionString.parse("HostName=h;SharedAccessKeyName=o;SharedAccessKey=%%"))
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> ConnectionString.parse("HostName=h;" + KEY))
        .hasMessageContaining("segment 2 has an unknown name")
        .hasMessageNotContaining(KEY.substring(0, 10));
    assertThatThrownBy(() -> ConnectionString.parse("HostName=h;SharedAccessKeyName=o;abc"))
        .hasMessageContaining("segment 3 is not of the form Name=value");
  }
}
