package io.dpsoperator.dps.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsoperator.dps.FakeTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SasTokenProviderTest {
  static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
  static final String HOST = "mydps.azure-devices-provisioning.net";

  @Test
  void matchesTheTestVectorOfTheFacts() {
    String token = SasTokenProvider.generate(HOST, KEY, "provisioningserviceowner", 1700000000L);
    assertThat(token)
        .isEqualTo(
            "SharedAccessSignature sr=mydps.azure-devices-provisioning.net"
                + "&sig=xXBqEKztXMACe9dg1gMBreO%2F8CMn3ovt%2B%2BxDvPb6Xl0%3D"
                + "&se=1700000000&skn=provisioningserviceowner");
  }

  @Test
  void lowerCasesAndEncodesTheResource() {
    String upper =
        SasTokenProvider.generate("MyDPS.Azure-Devices-Provisioning.net", KEY, "o", 1700000000L);
    String lower = SasTokenProvider.generate(HOST, KEY, "o", 1700000000L);
    assertThat(upper).isEqualTo(lower);
    assertThat(SasTokenProvider.generate("localhost:8443", KEY, "o", 1L))
        .startsWith("SharedAccessSignature sr=localhost%3A8443&sig=");
  }

  @Test
  void cachesTheTokenAndRefreshesItShortlyBeforeExpiry() {
    FakeTime time = new FakeTime(Instant.ofEpochSecond(1700000000L - 3600));
    ConnectionString cs =
        ConnectionString.parse(
            "HostName="
                + HOST
                + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                + KEY);
    SasTokenProvider provider =
        new SasTokenProvider(cs, Duration.ofHours(1), Duration.ofMinutes(5), time.clock());

    String first = provider.token();
    assertThat(first).contains("se=1700000000").contains("sig=xXBqEKztXMACe9dg1gMBreO%2F8CMn3ovt");

    time.advance(Duration.ofMinutes(54).plusSeconds(59));
    assertThat(provider.token()).isSameAs(first);

    time.advance(Duration.ofSeconds(1)); // now exactly 5 minutes before expiry
    String second = provider.token();
    assertThat(second).isNotEqualTo(first).contains("se=" + (1700000000L + 55 * 60));
    assertThat(provider.token()).isSameAs(second);
  }

  @Test
  void returnsAGivenSignatureAsIs() {
    String sas = "SharedAccessSignature sr=" + HOST + "&sig=abc&se=1&skn=o";
    SasTokenProvider provider =
        new SasTokenProvider(
            ConnectionString.parse("HostName=" + HOST + ";SharedAccessSignature=" + sas));
    assertThat(provider.token()).isEqualTo(sas);
  }

  @Test
  void rejectsARefreshMarginLongerThanTheTtl() {
    ConnectionString cs =
        ConnectionString.parse("HostName=h;SharedAccessKeyName=o;SharedAccessKey=" + KEY);
    assertThatThrownBy(
            () ->
                new SasTokenProvider(
                    cs, Duration.ofMinutes(5), Duration.ofMinutes(5), new FakeTime().clock()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringHasNoSecret() {
    ConnectionString cs =
        ConnectionString.parse("HostName=h;SharedAccessKeyName=o;SharedAccessKey=" + KEY);
    SasTokenProvider provider = new SasTokenProvider(cs);
    String token = provider.token();
    assertThat(provider.toString()).doesNotContain(KEY).doesNotContain(token);
  }
}
