package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one handler of the DPS port: faults, limits, api-version, routing, error rendering. */
final class Dispatcher implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final Pattern API_VERSION = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(-preview)?$");

  private final ServiceApi service;
  private final DeviceApi device;
  private final Faults faults;
  private final RateLimiter serviceLimiter;
  private final ServiceRequestCounts counts;
  private final int maxBodyBytes;
  private final Clock clock;

  Dispatcher(
      ServiceApi service,
      DeviceApi device,
      Faults faults,
      RateLimiter serviceLimiter,
      ServiceRequestCounts counts,
      int maxBodyBytes,
      Clock clock) {
    this.service = service;
    this.device = device;
    this.faults = faults;
    this.serviceLimiter = serviceLimiter;
    this.counts = counts;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String trackingId = UUID.randomUUID().toString();
    try {
      Faults.Settings f = faults.settings();
      if (!f.none()) {
        if (!f.latency().isZero()) {
          Thread.sleep(f.latency().toMillis());
        }
        if (faults.rollDrop(f)) {
          LOG.debug("Dropped connection (fault injection) path={}", exchange.getRequestURI());
          return; // closing before any response header closes the connection
        }
        if (faults.rollFailure(f)) {
          ApiException e =
              new ApiException(f.failureStatus(), f.failureStatus() * 1000 + 1, "Injected fault");
          if (f.failureStatus() == 429 || f.failureStatus() == 503) {
            e.header("Retry-After", "1");
          }
          throw e;
        }
      }
      Request request = parse(exchange);
      Response response = route(request);
      send(exchange, response, trackingId);
    } catch (ApiException e) {
      if (e instanceof ApiException.UnauthorizedException u) {
        LOG.info(
            "Refused request method={} path={} reason={}",
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            u.reason);
      } else {
        LOG.debug(
            "Answered error status={} path={} message={}",
            e.status,
            exchange.getRequestURI().getRawPath(),
            e.getMessage());
      }
      sendError(exchange, e, trackingId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Failed request path={} trackingId={}", exchange.getRequestURI(), trackingId, e);
      sendError(exchange, new ApiException(500, 500001, "Internal error: " + e), trackingId);
    } finally {
      exchange.close();
    }
  }

  private Response route(Request request) {
    List<String> s = request.segments();
    if (ServiceApi.handles(s)) {
      checkApiVersion(request);
      long wait = serviceLimiter.tryAcquire();
      if (wait > 0) {
        counts.record(ServiceRequestCounts.Kind.THROTTLED);
        throw new ApiException(429, 429001, "Too many service operations; retry later")
            .header("Retry-After", Long.toString(wait));
      }
      counts.record(ServiceRequestCounts.kindOf(request.method(), s));
      return service.handle(request);
    }
    if (DeviceApi.handles(s)) {
      checkApiVersion(request);
      return device.handle(request);
    }
    throw ApiException.notFound("No such resource: " + "/" + String.join("/", s));
  }

  private static void checkApiVersion(Request request) {
    String version = request.query().get("api-version");
    if (version == null || version.isBlank()) {
      throw ApiException.badRequest("The api-version query parameter is required");
    }
    if (!API_VERSION.matcher(version).matches()) {
      throw ApiException.badRequest(
          "Unsupported api-version '"
              + version
              + "' (use e.g. 2021-10-01, 2021-06-01 or 2019-03-31)");
    }
  }

  private Request parse(HttpExchange exchange) throws IOException {
    List<String> segments = new ArrayList<>();
    String rawPath = exchange.getRequestURI().getRawPath();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(Sas.percentDecode(part));
      }
    }
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        query.putIfAbsent(Sas.percentDecode(k), Sas.percentDecode(v));
      }
    }
    return new Request(
        exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT),
        segments,
        query,
        exchange.getRequestHeaders(),
        readBody(exchange),
        exchange);
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid Content-Length");
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (out.size() > maxBodyBytes) {
          throw tooLarge();
        }
      }
    }
    return out.toByteArray();
  }

  private ApiException tooLarge() {
    return new ApiException(
        413, 413001, "The request body exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private static void send(HttpExchange exchange, Response response, String trackingId)
      throws IOException {
    exchange.getResponseHeaders().set("x-ms-request-id", trackingId);
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = Json.MAPPER.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The JSON body of an error answer, on every transport. */
  static ObjectNode errorBody(ApiException e, String trackingId, Clock clock) {
    ObjectNode body = Json.object();
    body.put("errorCode", e.errorCode);
    body.put("trackingId", trackingId);
    body.put("message", e.getMessage());
    body.put("timestampUtc", Json.now(clock));
    return body;
  }

  private void sendError(HttpExchange exchange, ApiException e, String trackingId) {
    try {
      Response response = Response.of(e.status, errorBody(e, trackingId, clock));
      e.headers.forEach(response::header);
      response.header("x-ms-error-code", Integer.toString(e.errorCode));
      send(exchange, response, trackingId);
    } catch (IOException | RuntimeException io) {
      LOG.debug("Could not send error response: {}", io.toString());
    }
  }
}
