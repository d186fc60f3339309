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
 * {@code level}, {@code logger_name}, {@code thread_name}, {@code message} (the rendered text,
 * {@code key=value} details included), the MDC ({@code resource.namespace}, {@code resource.name}
 * from JOSDK) and each {@link net.logstash.logback.argument.StructuredArguments#kv} argument of the
 * call as a field of its own, so that {@code LOG.info("Created DPS enrollment {}", kv("id", id))}
 * reads {@code Created DPS enrollment id=dev-1} in text and carries {@code "id":"dev-1"} in JSON.
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
      encoder.start();
      appender.setEncoder(encoder);
      appender.start();
      root.detachAndStopAllAppenders();
      root.addAppender(appender);
    }
  }
}
