package io.dpsoperator.dps;

import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/** Shared bits of the client tests. */
final class DpsFixtures {
  /** The policy key of the facts' SAS test vector. */
  static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  /** A device key that must never leak either. */
  static final String DEVICE_KEY = "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=";

  private DpsFixtures() {}

  /** {@code host:port} of the server. */
  static String hostPort(MockWebServer server) {
    return server.url("/").host() + ":" + server.getPort();
  }

  static String httpConnectionString(MockWebServer server) {
    return "HostName=http://"
        + hostPort(server)
        + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
        + KEY;
  }

  /** A plain-HTTP config on fake time: retries and rate-limit waits do not really sleep. */
  static DpsClientConfig.Builder httpConfig(MockWebServer server, FakeTime time) {
    return DpsClientConfig.builder(httpConnectionString(server))
        .allowHttp(true)
        .requestTimeout(Duration.ofSeconds(10))
        .clock(time.clock())
        .sleeper(time)
        .nanoTicker(time);
  }

  static MockResponse json(int status, String body) {
    return new MockResponse()
        .setResponseCode(status)
        .setHeader("Content-Type", "application/json; charset=utf-8")
        .setBody(body);
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  static MockResponse error(int status, int errorCode, String trackingId, String message) {
    return json(
            status,
            "{\"errorCode\":"
                + errorCode
                + ",\"trackingId\":\""
                + trackingId
                + "\",\"message\":\""
                + message
                + "\",\"timestampUtc\":\"2022-05-02T08:04:03.5761437Z\"}")
        .setHeader("x-ms-error-code", Integer.toString(errorCode));
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("The server received no request");
    }
    return r;
  }

  static IndividualEnrollment enrollment(String registrationId) {
    return IndividualEnrollment.builder(registrationId)
        .attestation(
            AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(DEVICE_KEY, DEVICE_KEY)))
        .build();
  }

  static EnrollmentGroup group(String id) {
    return EnrollmentGroup.builder(id)
        .attestation(AttestationMechanism.symmetricKey(new SymmetricKeyAttestation(null, null)))
        .build();
  }

  static String enrollmentJson(String registrationId, String etag) {
    return "{\"registrationId\":\""
        + registrationId
        + "\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}},"
        + "\"etag\":\""
        + etag.replace("\"", "\\\"")
        + "\",\"provisioningStatus\":\"enabled\","
        + "\"createdDateTimeUtc\":\"2022-08-31T22:02:50.5163352Z\","
        + "\"lastUpdatedDateTimeUtc\":\"2022-08-31T22:02:50.5163352Z\"}";
  }

  static String groupJson(String id, String etag) {
    return "{\"enrollmentGroupId\":\""
        + id
        + "\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}},"
        + "\"etag\":\""
        + etag.replace("\"", "\\\"")
        + "\",\"provisioningStatus\":\"enabled\"}";
  }
}
