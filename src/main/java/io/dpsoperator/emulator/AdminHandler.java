package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The admin API on the loopback-only listener: {@code GET|POST|PUT|DELETE /admin/faults} and {@code
 * GET /admin/health}. POST/PUT take {@code {"status":503,"rate":0.5,"latencyMs":200,
 * "dropRate":0.1}}; absent fields keep their value.
 */
final class AdminHandler implements HttpHandler {
  private final Faults faults;

  AdminHandler(Faults faults) {
    this.faults = faults;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/admin/health") && method.equals("GET")) {
        ObjectNode ok = Json.object();
        ok.put("status", "ok");
        send(exchange, 200, ok);
        return;
      }
      if (!path.equals("/admin/faults")) {
        send(exchange, 404, message("Not found: " + path));
        return;
      }
      switch (method) {
        case "GET" -> send(exchange, 200, toJson(faults.settings()));
        case "DELETE" -> {
          faults.clear();
          send(exchange, 200, toJson(faults.settings()));
        }
        case "POST", "PUT" -> {
          JsonNode body;
          try {
            body = Json.MAPPER.readTree(exchange.getRequestBody().readNBytes(64 * 1024));
          } catch (IOException e) {
            send(exchange, 400, message("Body is not JSON: " + e.getMessage()));
            return;
          }
          try {
            faults.set(apply(faults.settings(), body));
          } catch (IllegalArgumentException e) {
            send(exchange, 400, message(e.getMessage()));
            return;
          }
          send(exchange, 200, toJson(faults.settings()));
        }
        default -> send(exchange, 405, message("Method not allowed"));
      }
    }
  }

  static Faults.Settings apply(Faults.Settings s, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("Expected a JSON object");
    }
    return new Faults.Settings(
        body.path("status").asInt(s.failureStatus()),
        body.path("rate").asDouble(s.failureShare()),
        body.has("latencyMs") ? Duration.ofMillis(body.get("latencyMs").asLong()) : s.latency(),
        body.path("dropRate").asDouble(s.dropShare()));
  }

  static ObjectNode toJson(Faults.Settings s) {
    ObjectNode o = Json.object();
    o.put("status", s.failureStatus());
    o.put("rate", s.failureShare());
    o.put("latencyMs", s.latency().toMillis());
    o.put("dropRate", s.dropShare());
    return o;
  }

  private static ObjectNode message(String text) {
    ObjectNode o = Json.object();
    o.put("message", text);
    return o;
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
