package io.dpsoperator.dps;

import static io.dpsoperator.dps.DpsFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DpsClientConfigTest {
  private static final String CS =
      "HostName=mydps.azure-devices-provisioning.net;SharedAccessKeyName=owner;SharedAccessKey="
          + KEY;

  @Test
  void hasDefaults() {
    DpsClientConfig c = DpsClientConfig.builder(CS).build();
    assertThat(c.scheme()).isEqualTo("https");
    assertThat(c.apiVersion()).isEqualTo("2021-10-01");
    assertThat(c.operationsPerMinute()).isEqualTo(1000);
    assertThat(c.allowHttp()).isFalse();
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxRetries()).isEqualTo(4);
    assertThat(c.rateLimiter()).isNull();
    assertThat(c.rateLimiterOrNew().operationsPerMinute()).isEqualTo(1000);
    assertThat(c.tokenTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(c.tokenRefreshBefore()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void aSharedLimiterIsUsedAsIs() {
    DpsRateLimiter shared = DpsRateLimiter.perMinute(500);
    DpsClientConfig c = DpsClientConfig.builder(CS).rateLimiter(shared).build();
    assertThat(c.rateLimiterOrNew()).isSameAs(shared);
    assertThat(c.toString()).contains("operationsPerMinute=500 (shared)");
  }

  @Test
  void toStringHidesSecretsAndPem() {
    String s =
        DpsClientConfig.builder(CS).caBundlePem("-----BEGIN CERTIFICATE-----x").build().toString();
    assertThat(s).doesNotContain(KEY).contains("SharedAccessKey=***").contains("caBundle=<pem>");
  }

  @Test
  void rejectsInvalidSettings() {
    for (UnaryOperator<DpsClientConfig.Builder> bad :
        java.util.List.<UnaryOperator<DpsClientConfig.Builder>>of(
            b -> b.requestTimeout(Duration.ZERO),
            b -> b.maxRetries(-1),
            b -> b.baseBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(1)),
            b -> b.operationsPerMinute(0),
            b -> b.rateLimitTimeout(Duration.ofSeconds(-1)),
            b -> b.apiVersion(" "),
            b -> b.tokenTtl(Duration.ofMinutes(5)).tokenRefreshBefore(Duration.ofMinutes(5)),
            b -> b.caBundlePem("x").caBundlePath(Path.of("ca.pem")))) {
      assertThatThrownBy(() -> bad.apply(DpsClientConfig.builder(CS)).build())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void malformedConnectionStringsAreRefusedWithoutTheKey() {
    assertThatThrownBy(() -> DpsClientConfig.builder("HostName=h;SharedAccessKey=" + KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SharedAccessKeyName")
        .hasMessageNotContaining(KEY);
  }
}
