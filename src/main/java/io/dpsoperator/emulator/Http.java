package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Request and response values passed between the dispatcher and the APIs. */
final class Http {
  private Http() {}

  record Request(
      String method,
      List<String> segments,
      Map<String, String> query,
      Headers headers,
      byte[] body,
      HttpExchange exchange) {

    String header(String name) {
      return headers.getFirst(name);
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

    /** The client certificate chain presented at the TLS handshake (leaf first); empty if none. */
    List<X509Certificate> peerCertificates() {
      if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
        return List.of();
      }
      try {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : https.getSSLSession().getPeerCertificates()) {
          if (c instanceof X509Certificate x) {
            chain.add(x);
          }
        }
        return chain;
      } catch (SSLPeerUnverifiedException e) {
        return List.of();
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
