package io.dpsoperator.device;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** An HTTPS MockWebServer with its own CA, a settable clock and a recording sleeper. */
final class TestDps implements AutoCloseable {
  static final String ID_SCOPE = "0ne00000001";

  final HeldCertificate serverCa =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Test DPS CA").build();
  final HeldCertificate serverCertificate =
      new HeldCertificate.Builder()
          .signedBy(serverCa)
          .commonName("localhost")
          .addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1")
          .build();
  final MockWebServer server = new MockWebServer();
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final List<Duration> sleeps = new ArrayList<>();

  /**
   * Serves HTTPS; with {@code trustedClientCa}, it asks for a client certificate issued by it, and
   * refuses the handshake without one when {@code requireClientCertificate}.
   */
  TestDps(HeldCertificate trustedClientCa, boolean requireClientCertificate) throws IOException {
    HandshakeCertificates.Builder tls =
        new HandshakeCertificates.Builder().heldCertificate(serverCertificate);
    if (trustedClientCa != null) {
      tls.addTrustedCertificate(trustedClientCa.certificate());
    }
    server.useHttps(tls.build().sslSocketFactory(), false);
    if (trustedClientCa != null && requireClientCertificate) {
      server.requireClientAuth();
    } else if (trustedClientCa != null) {
      server.requestClientAuth();
    }
    server.start(InetAddress.getByName("localhost"), 0);
  }

  TestDps() throws IOException {
    this(null, false);
  }

  String endpoint() {
    return server.getHostName() + ":" + server.getPort();
  }

  DeviceRegistrationClient.Builder client() {
    return DeviceRegistrationClient.builder()
        .endpoint(endpoint())
        .idScope(ID_SCOPE)
        .trustedCaPem(serverCa.certificatePem())
        .timeout(Duration.ofSeconds(30))
        .clock(clock)
        .sleeper(
            d -> {
              sleeps.add(d);
              clock.advance(d);
            });
  }

  void enqueue(int code, String json) {
    server.enqueue(
        new MockResponse()
            .setResponseCode(code)
            .setHeader("Content-Type", "application/json; charset=utf-8")
            .setBody(json));
  }

  void enqueue(int code, String json, String retryAfter) {
    server.enqueue(
        new MockResponse()
            .setResponseCode(code)
            .setHeader("Content-Type", "application/json; charset=utf-8")
            .setHeader("Retry-After", retryAfter)
            .setBody(json));
  }

  static String assigning(String operationId) {
    return "{\"operationId\":\"" + operationId + "\",\"status\":\"assigning\"}";
  }

  static String assigned(String operationId, String registrationId) {
    return """
        {"operationId":"%s","status":"assigned","registrationState":{
          "registrationId":"%s","createdDateTimeUtc":"2026-01-01T00:00:01Z",
          "assignedHub":"hub-1.azure-devices.net","deviceId":"%s","status":"assigned",
          "substatus":"initialAssignment","lastUpdatedDateTimeUtc":"2026-01-01T00:00:02Z",
          "etag":"IjAwMDAi"}}
        """
        .formatted(operationId, registrationId, registrationId);
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }

  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    synchronized void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public synchronized Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
