package io.dpsoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
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
 * key-value pairs of a log call as fields; text prints them as key=value after the message.
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
                    .atWarn()
                    .addKeyValue("id", "dev-1")
                    .addKeyValue("attempts", 3)
                    .log("Deleted DPS {}", "enrollment");
              } finally {
                MDC.remove("resource.namespace");
              }
            });

    assertThat(out).doesNotContain("Not shown");
    JsonNode line = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger_name").asText()).isEqualTo("io.example.Loud");
    // The details are fields, not text in the message.
    assertThat(line.path("message").asText()).isEqualTo("Deleted DPS enrollment");
    assertThat(line.path("id").asText()).isEqualTo("dev-1");
    assertThat(line.path("attempts").isInt()).isTrue();
    assertThat(line.path("attempts").asInt()).isEqualTo(3);
    assertThat(line.path("resource.namespace").asText()).isEqualTo("factory-a");
    assertThat(line.has("@timestamp")).isTrue();
    assertThat(line.has("@version")).isFalse();
  }

  @Test
  void textPrintsTheDetailsAsKeyEqualsValueAfterTheMessage() {
    String out =
        capture(
            "INFO",
            "text",
            () -> {
              LoggerFactory.getLogger("io.example.Text")
                  .atInfo()
                  .addKeyValue("id", "dev-2")
                  .addKeyValue("attempts", 2)
                  .log("Created DPS enrollment");
              LoggerFactory.getLogger("io.example.Text").info("Nothing to add");
            });

    assertThat(out.lines())
        .anyMatch(l -> l.endsWith("] Created DPS enrollment id=dev-2 attempts=2"))
        .anyMatch(l -> l.endsWith("] Nothing to add"));
  }

  /** What logging prints to stdout under a level and format, the configuration restored after. */
  private static String capture(String level, String format, Runnable logging) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      if ("text".equals(format)) {
        // The production configuration, not the tests' logback-test.xml.
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogSetup.class.getResource("/logback.xml"));
      }
      LogSetup.apply(level, format);
      logging.run();
    } catch (JoranException e) {
      throw new IllegalStateException(e);
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
