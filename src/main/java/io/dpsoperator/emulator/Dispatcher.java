package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one handler of the DPS port: faults, limits, api-version, routing, error rendering. */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final ServiceApi service;
  private final DeviceApi device;
  private final EntraIssuer entra;
  private final Faults faults;
  private final RateLimiter serviceLimiter;
  private final ServiceRequestCounts counts;
  private final Clock clock;

  Dispatcher(
      ServiceApi service,
      DeviceApi device,
      EntraIssuer entra,
      Faults faults,
      RateLimiter serviceLimiter,
      ServiceRequestCounts counts,
      Clock clock) {
    this.service = service;
    this.device = device;
    this.entra = entra;
    this.faults = faults;
    this.serviceLimiter = serviceLimiter;
    this.counts = counts;
    this.clock = clock;
  }

  /**
   * Answers a request: faults, limits, routing and error rendering; null means "drop the connection
   * without an answer" (fault injection). Runs on a request thread: it may sleep (latency faults)
   * and block (custom allocation webhooks).
   */
  Response handle(Request request) {
    String trackingId = UUID.randomUUID().toString();
    Response response;
    try {
      Faults.Settings f = faults.settings();
      if (!f.none()) {
        if (!f.latency().isZero()) {
          Thread.sleep(f.latency().toMillis());
        }
        if (faults.rollDrop(f)) {
          LOG.atDebug()
              .addKeyValue("path", request.path())
              .log("Dropped connection (fault injection)");
          return null;
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
      response = route(request);
    } catch (ApiException e) {
      if (e instanceof ApiException.UnauthorizedException u) {
        LOG.atInfo()
            .addKeyValue("method", request.method())
            .addKeyValue("path", request.path())
            .addKeyValue("reason", u.reason)
            .log("Refused request");
      } else {
        LOG.atDebug()
            .addKeyValue("status", e.status)
            .addKeyValue("path", request.path())
            .addKeyValue("message", e.getMessage())
            .log("Answered error");
      }
      response = error(e, trackingId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("path", request.path())
          .addKeyValue("trackingId", trackingId)
          .setCause(e)
          .log("Failed request");
      response = error(new ApiException(500, 500001, "Internal error: " + e), trackingId);
    }
    return response.header("x-ms-request-id", trackingId);
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
    if (entra != null && EntraIssuer.handles(s)) {
      return entra.handle(request);
    }
    if (DeviceApi.handles(s)) {
      checkApiVersion(request);
      return device.handle(request);
    }
    throw ApiException.notFound("No such resource: " + "/" + String.join("/", s));
  }

  private static void checkApiVersion(Request request) {
    ApiVersions.check(request.query().get("api-version"));
  }

  /** The answer to a request whose body exceeds the limit. */
  Response tooLarge(int maxBodyBytes) {
    return error(
            new ApiException(
                413, 413001, "The request body exceeds the limit of " + maxBodyBytes + " bytes"),
            UUID.randomUUID().toString())
        .header("Connection", "close");
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

  private Response error(ApiException e, String trackingId) {
    Response response = Response.of(e.status, errorBody(e, trackingId, clock));
    e.headers.forEach(response::header);
    return response.header("x-ms-error-code", Integer.toString(e.errorCode));
  }
}
