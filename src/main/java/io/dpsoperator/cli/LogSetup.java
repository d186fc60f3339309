package io.dpsoperator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the log level and format settings to logback.
 *
 * <p>{@code json}: one JSON object per line from logstash-logback-encoder: {@code @timestamp},
 * {@code level}, {@code logger_name}, {@code thread_name}, {@code message}, the MDC ({@code
 * resource.namespace}, {@code resource.name} from JOSDK), {@code stack_trace}, and each SLF4J
 * key-value pair of the call as a field of its own: {@code LOG.atInfo().addKeyValue("id",
 * id).log("Deleted DPS enrollment")} gives {@code "message":"Deleted DPS enrollment","id":"dev-1"}
 * (the text format prints {@code Deleted DPS enrollment id=dev-1}, see logback.xml).
 */
final class LogSetup {
  private LogSetup() {}

  static void apply(String level, String format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    if ("json".equals(format)) {
      ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
      appender.setContext(context);
      appender.setName("JSON");
      LogstashEncoder encoder = new LogstashEncoder();
      encoder.setContext(context);
      // No "@version":"1" and no level_value: noise in every line.
      encoder.getFieldNames().setVersion("[ignore]");
      encoder.getFieldNames().setLevelValue("[ignore]");
      encoder.setIncludeKeyValuePairs(true);
      encoder.start();
      appender.setEncoder(encoder);
      appender.start();
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
    }
  }
}
