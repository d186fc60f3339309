package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request and response values passed between the dispatcher and the APIs. */
final class Http {
  private Http() {}

  /**
   * A request of the HTTPS port: {@code path} is the raw path (for logs), {@code segments} its
   * percent-decoded parts, {@code peerCertificates} the client chain of the TLS handshake (leaf
   * first; empty if none).
   */
  record Request(
      String method,
      String path,
      List<String> segments,
      Map<String, String> query,
      HttpHeaders headers,
      byte[] body,
      List<X509Certificate> peerCertificates) {

    String header(String name) {
      return headers.get(name);
    }

    String host() {
      String h = header("Host");
      return h == null ? "" : h.trim();
    }

    /** The body as JSON; null when empty; 400 when not JSON. */
    JsonNode json() {
      if (body.length == 0) {
        return null;
      }
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw ApiException.badRequest("The request body is not valid JSON: " + e.getMessage());
      }
    }
  }

  record Response(int status, JsonNode body, Map<String, String> headers) {
    static Response of(int status, JsonNode body) {
      return new Response(status, body, new LinkedHashMap<>());
    }

    Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }
}
