package io.dpsoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** DPS_OPERATOR_LOG_FORMAT=json gives one JSON object per line, DEBUG included when asked. */
class LogSetupTest {

  @Test
  void jsonLinesAtTheConfiguredLevel() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LogSetup.apply("WARN", "json");
      LoggerFactory.getLogger("io.example.Quiet").info("Not shown");
      LoggerFactory.getLogger("io.example.Loud").warn("Deleted DPS enrollment id={}", "dev-1");
    } finally {
      System.setOut(original);
      context.reset();
      new ContextInitializer(context).autoConfig();
    }
    String out = captured.toString(StandardCharsets.UTF_8).trim();
    assertThat(out).doesNotContain("Not shown");
    JsonNode line = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("loggerName").asText()).isEqualTo("io.example.Loud");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("Deleted DPS enrollment id=dev-1");
  }
}
