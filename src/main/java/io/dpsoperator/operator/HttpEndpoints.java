package io.dpsoperator.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} on one port. */
public final class HttpEndpoints implements AutoCloseable {
  static {
    // As in the DPS emulator: the JDK reads this once, for every HttpServer of the JVM; without it
    // each answer waits ~44 ms for a delayed ACK (Nagle).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  /** Starts the endpoints on a port (0 for a free one). */
  public static HttpEndpoints start(int port, Operator operator, MeterRegistry meters) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/healthz", ex -> answer(ex, 200, "ok\n", "text/plain"));
      server.createContext(
          "/readyz",
          ex -> {
            var info = operator.getRuntimeInfo();
            boolean ready = info.isStarted() && info.allEventSourcesAreHealthy();
            answer(ex, ready ? 200 : 503, ready ? "ready\n" : "not ready\n", "text/plain");
          });
      server.createContext(
          "/metrics",
          ex -> {
            String body =
                meters instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
            answer(ex, 200, body, "text/plain; version=0.0.4; charset=utf-8");
          });
      server.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "http-endpoints");
                t.setDaemon(true);
                return t;
              }));
      server.start();
      return new HttpEndpoints(server);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on port " + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
