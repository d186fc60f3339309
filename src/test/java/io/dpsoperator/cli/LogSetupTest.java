package io.dpsoperator.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;
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
import org.slf4j.MDC;

/**
 * DPS_OPERATOR_LOG_FORMAT=json gives one JSON object per line, DEBUG included when asked, with the
 * key=value details of a log call as fields; text keeps them in the message.
 */
class LogSetupTest {

  @Test
  void jsonLinesCarryTheDetailsAsFields() throws Exception {
    String out =
        capture(
            "WARN",
            "json",
            () -> {
              LoggerFactory.getLogger("io.example.Quiet").info("Not shown");
              MDC.put("resource.namespace", "factory-a");
              try {
                LoggerFactory.getLogger("io.example.Loud")
                    .warn("Deleted DPS enrollment {} {}", kv("id", "dev-1"), kv("attempts", 3));
              } finally {
                MDC.remove("resource.namespace");
              }
            });

    assertThat(out).doesNotContain("Not shown");
    JsonNode line = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger_name").asText()).isEqualTo("io.example.Loud");
    assertThat(line.path("message").asText())
        .isEqualTo("Deleted DPS enrollment id=dev-1 attempts=3");
    assertThat(line.path("id").asText()).isEqualTo("dev-1");
    assertThat(line.path("attempts").isInt()).isTrue();
    assertThat(line.path("attempts").asInt()).isEqualTo(3);
    assertThat(line.path("resource.namespace").asText()).isEqualTo("factory-a");
    assertThat(line.has("@timestamp")).isTrue();
    assertThat(line.has("@version")).isFalse();
  }

  @Test
  void textKeepsKeyEqualsValueInTheMessage() {
    String out =
        capture(
            "INFO",
            "text",
            () ->
                LoggerFactory.getLogger("io.example.Text")
                    .info("Created DPS enrollment {}", kv("id", "dev-2")));

    assertThat(out).contains("Created DPS enrollment id=dev-2");
  }

  /** What logging prints to stdout under a level and format, the configuration restored after. */
  private static String capture(String level, String format, Runnable logging) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LogSetup.apply(level, format);
      logging.run();
    } finally {
      System.setOut(original);
      context.reset();
      try {
        new ContextInitializer(context).autoConfig();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return captured.toString(StandardCharsets.UTF_8).trim();
  }
}
