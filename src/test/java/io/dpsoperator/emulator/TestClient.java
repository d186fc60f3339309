package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A small HTTPS client for the emulator's APIs, trusting its CA. */
final class TestClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String API = "api-version=2021-10-01";

  /** A response with its JSON body (null when empty). */
  record Resp(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return body.isEmpty() ? null : JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  final DpsEmulator dps;
  final HttpClient http;
  final String policy;
  final String key;

  TestClient(DpsEmulator dps) {
    this(dps, dps.clientSslContext());
  }

  TestClient(DpsEmulator dps, SSLContext ssl) {
    this.dps = dps;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(ssl)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String cs = dps.serviceConnectionString();
    this.policy = part(cs, "SharedAccessKeyName");
    this.key = part(cs, "SharedAccessKey");
  }

  /** A client presenting a device certificate (leaf + chain). */
  static TestClient withClientCertificate(
      DpsEmulator dps, CertificateAuthority.IssuedCertificate device, boolean sendChain) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      List<java.security.cert.X509Certificate> chain =
          sendChain
              ? device.chain().subList(0, Math.max(1, device.chain().size() - 1))
              : List.of(device.certificate());
      ks.setKeyEntry(
          "device",
          device.privateKey(),
          "x".toCharArray(),
          chain.toArray(java.security.cert.X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "x".toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(
          "ca", CertificateAuthority.readCertificates(dps.caCertificatePem()).get(0));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return new TestClient(dps, ctx);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String part(String cs, String name) {
    for (String p : cs.split(";")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    throw new IllegalArgumentException(name);
  }

  String serviceToken() {
    return Sas.serviceToken(
        dps.hostName(), key, policy, Instant.now().plusSeconds(3600).getEpochSecond());
  }

  /** A service call with api-version and a valid SAS of the default policy. */
  Resp service(String method, String path, Object body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = serviceToken();
    System.arraycopy(headers, 0, all, 2, headers.length);
    return call(method, path + (path.contains("?") ? "&" : "?") + API, body, all);
  }

  /** A raw call; headers as name/value pairs. */
  Resp call(String method, String pathAndQuery, Object body, String... headers) {
    try {
      String text =
          body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("https://" + dps.hostName() + pathAndQuery))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  text == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(text));
      if (text != null) {
        b.header("Content-Type", "application/json");
      }
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Device register with a SAS signed by {@code deviceKey}. */
  Resp register(String registrationId, String deviceKey, Object body) {
    String token =
        deviceKey == null
            ? null
            : Sas.deviceToken(
                dps.idScope(),
                registrationId,
                deviceKey,
                Instant.now().plusSeconds(3600).getEpochSecond());
    return device(
        "PUT",
        "/registrations/" + registrationId + "/register",
        token,
        body == null ? java.util.Map.of("registrationId", registrationId) : body);
  }

  Resp device(String method, String path, String token, Object body) {
    String full = "/" + dps.idScope() + path + "?" + API;
    return token == null
        ? call(method, full, body)
        : call(method, full, body, "Authorization", token);
  }

  /** Registers and polls the operation until it is no longer assigning; returns the final poll. */
  Resp registerAndWait(String registrationId, String deviceKey, Object body) {
    Resp r = register(registrationId, deviceKey, body);
    if (r.status() != 202) {
      return r;
    }
    String op = r.json().get("operationId").asText();
    String token =
        deviceKey == null
            ? null
            : Sas.deviceToken(
                dps.idScope(),
                registrationId,
                deviceKey,
                Instant.now().plusSeconds(3600).getEpochSecond());
    Resp[] last = new Resp[1];
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] =
                  device(
                      "GET", "/registrations/" + registrationId + "/operations/" + op, token, null);
              return last[0].status() != 202;
            });
    return last[0];
  }
}
