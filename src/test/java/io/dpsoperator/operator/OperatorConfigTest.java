package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaults() {
    OperatorConfig c = OperatorConfig.defaults();
    assertThat(c.resyncInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.rateLimitPerMinute()).isEqualTo(1000);
    assertThat(c.watchesAllNamespaces()).isTrue();
    assertThat(c.connectionSecret()).isEqualTo("dps-connection");
    assertThat(c.httpPort()).isEqualTo(8080);
  }

  @Test
  void readsEnvironment() {
    OperatorConfig c =
        OperatorConfig.fromEnv(
            Map.of(
                "DPS_OPERATOR_WATCH_NAMESPACES", "a, b",
                "DPS_OPERATOR_RESYNC_INTERVAL", "90s",
                "DPS_OPERATOR_LEADER_ELECTION", "true",
                "DPS_OPERATOR_LOG_FORMAT", "JSON"));
    assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("a", "b");
    assertThat(c.resyncInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.logFormat()).isEqualTo("json");
  }

  @Test
  void rejectsBadValuesWithTheKeyName() {
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_RESYNC_INTERVAL", "soon")))
        .hasMessageContaining("DPS_OPERATOR_RESYNC_INTERVAL");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_RATE_LIMIT_PER_MINUTE", "0")))
        .hasMessageContaining("DPS_OPERATOR_RATE_LIMIT_PER_MINUTE");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("DPS_OPERATOR_LOG_FORMAT", "xml")))
        .hasMessageContaining("DPS_OPERATOR_LOG_FORMAT");
  }

  @Test
  void everySettingIsDocumentedInTheReadme() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    for (OperatorConfig.Setting s : OperatorConfig.SETTINGS) {
      assertThat(readme).as(s.key()).contains(s.key());
    }
  }
}
