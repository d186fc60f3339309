package io.dpsoperator.dps;

import static io.dpsoperator.dps.DpsFixtures.DEVICE_KEY;
import static io.dpsoperator.dps.DpsFixtures.KEY;
import static io.dpsoperator.dps.DpsFixtures.enrollment;
import static io.dpsoperator.dps.DpsFixtures.enrollmentJson;
import static io.dpsoperator.dps.DpsFixtures.error;
import static io.dpsoperator.dps.DpsFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.dpsoperator.dps.auth.SasTokenProvider;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Metrics and logs of the decorator, and that no secret reaches a log, a tag or a message. */
class InstrumentedDpsClientTest {
  private final FakeTime time = new FakeTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<String> exceptionMessages = new ArrayList<>();
  private Logger root;
  private Level previousLevel;
  private MockWebServer server;
  private DpsClient client;

  @BeforeEach
  void start() throws Exception {
    root = (Logger) LoggerFactory.getLogger("io.dpsoperator");
    previousLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    server = new MockWebServer();
    server.start();
    client =
        DpsClients.create(
            DpsFixtures.httpConfig(server, time)
                .maxRetries(2)
                .baseBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(100))
                .build(),
            registry);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.shutdown();
    root.detachAppender(logs);
    root.setLevel(previousLevel);
  }

  private double timerCount(String operation, String outcome) {
    var timer =
        registry
            .find(InstrumentedDpsClient.REQUESTS)
            .tags("operation", operation, "outcome", outcome)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  private double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** Each event as the text format prints it: the message, then its key-value pairs. */
  private List<String> messages() {
    return logs.list.stream().map(InstrumentedDpsClientTest::text).toList();
  }

  private static String text(ILoggingEvent e) {
    StringBuilder line = new StringBuilder(e.getFormattedMessage());
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs()
          .forEach(kv -> line.append(' ').append(kv.key).append('=').append(kv.value));
    }
    return line.toString();
  }

  private void expectFailure(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        exceptionMessages.add(String.valueOf(t.getMessage()));
        exceptionMessages.add(t.toString());
      }
      return;
    }
    throw new AssertionError("Expected a failure");
  }

  @Test
  void aCallItsCredentialCouldNotSignIsTimedAsCredential() {
    io.dpsoperator.dps.auth.DpsCredential failing =
        new io.dpsoperator.dps.auth.DpsCredential() {
          @Override
          public String authorizationHeader() {
            throw new io.dpsoperator.dps.auth.DpsAuthenticationException(
                io.dpsoperator.dps.auth.AuthFailure.FEDERATED_TOKEN_UNAVAILABLE,
                false,
                "The federated token file /t could not be read");
          }

          @Override
          public String type() {
            return WORKLOAD_IDENTITY;
          }
        };
    try (DpsClient c =
        DpsClients.create(
            DpsClientConfig.builder("http://" + DpsFixtures.hostPort(server), failing)
                .allowHttp(true)
                .build(),
            registry)) {
      expectFailure(() -> c.getIndividualEnrollment("dev-1"));
    }
    assertThat(timerCount("getIndividualEnrollment", "credential")).isEqualTo(1);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void timesEachCallByOperationAndOutcomeAndLogsIt() {
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")).setHeader("x-ms-request-id", "req-1"));
    server.enqueue(error(404, 404201, "track-404", "Not found"));

    client.getIndividualEnrollment("dev-1");
    expectFailure(() -> client.getIndividualEnrollment("dev-2"));

    assertThat(timerCount("getIndividualEnrollment", "success")).isEqualTo(1);
    assertThat(timerCount("getIndividualEnrollment", "4xx")).isEqualTo(1);
    assertThat(messages())
        .anyMatch(
            m ->
                m.matches(
                    "Called DPS operation=getIndividualEnrollment status=200 trackingId=req-1"
                        + " durationMs=\\d+"))
        .anyMatch(
            m ->
                m.matches(
                    "Called DPS operation=getIndividualEnrollment status=404 errorCode=404201"
                        + " trackingId=track-404 durationMs=\\d+ retryable=false"));
    assertThat(logs.list).allMatch(e -> e.getLevel() == Level.DEBUG);
  }

  @Test
  void countsRetriesAndThrottles() {
    server.enqueue(error(429, 429001, "t", "Slow down").setHeader("Retry-After", "1"));
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse().setResponseCode(503));
    }

    client.getIndividualEnrollment("dev-1");
    expectFailure(() -> client.getEnrollmentGroup("g"));

    assertThat(counter(InstrumentedDpsClient.RETRIES, "operation", "getIndividualEnrollment"))
        .isEqualTo(1);
    assertThat(counter(InstrumentedDpsClient.RETRIES, "operation", "getEnrollmentGroup"))
        .isEqualTo(2);
    assertThat(
            counter(
                InstrumentedDpsClient.THROTTLED,
                "operation",
                "getIndividualEnrollment",
                "source",
                "server"))
        .isEqualTo(1);
    assertThat(timerCount("getIndividualEnrollment", "success")).isEqualTo(1);
    assertThat(timerCount("getEnrollmentGroup", "5xx")).isEqualTo(1);
    assertThat(messages())
        .anyMatch(
            m -> m.startsWith("Retrying DPS operation=getEnrollmentGroup attempt=2 status=503"));
  }

  @Test
  void networkFailuresAndRefusedCallsAreErrors() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    expectFailure(() -> client.deleteEnrollmentGroup("g", IfMatch.any()));
    List<IndividualEnrollment> eleven =
        IntStream.range(0, 11).mapToObj(i -> enrollment("d" + i)).toList();
    assertThatThrownBy(
            () -> client.runIndividualEnrollmentBulkOperation(BulkOperationMode.CREATE, eleven))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(timerCount("deleteEnrollmentGroup", "error")).isEqualTo(1);
    assertThat(timerCount("runIndividualEnrollmentBulkOperation", "error")).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void callsTheRateLimiterHeldBackAreNotCountedAsAnswers() {
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    server.enqueue(json(enrollmentJson("dev-1", "\"1\"")));
    try (DpsClient limited =
        DpsClients.create(
            DpsFixtures.httpConfig(server, time)
                .operationsPerMinute(1)
                .rateLimitTimeout(Duration.ZERO)
                .build(),
            registry)) {
      limited.getIndividualEnrollment("dev-1");
      assertThatThrownBy(() -> limited.getIndividualEnrollment("dev-1"))
          .isInstanceOf(DpsRateLimitedException.class);
    }

    assertThat(timerCount("getIndividualEnrollment", "success")).isEqualTo(1);
    assertThat(timerCount("getIndividualEnrollment", "rate_limited")).isEqualTo(1);
    assertThat(timerCount("getIndividualEnrollment", "error")).isZero();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void noKeyTokenOrSignatureReachesLogsTagsOrMessages() throws Exception {
    String host = DpsFixtures.hostPort(server);
    long se = time.now().getEpochSecond() + 3600;
    String token = SasTokenProvider.generate(host, KEY, "provisioningserviceowner", se);
    String sig = token.replaceAll(".*sig=([^&]+).*", "$1");
    String rawSig = java.net.URLDecoder.decode(sig, java.nio.charset.StandardCharsets.UTF_8);

    // A misbehaving server that echoes the credentials back in its error messages.
    server.enqueue(error(401, 401002, "t-401", "Unauthorized: " + token));
    server.enqueue(new MockResponse().setResponseCode(500).setBody("still broken"));
    server.enqueue(new MockResponse().setResponseCode(500).setBody("still broken"));
    server.enqueue(
        new MockResponse()
            .setResponseCode(500)
            .setBody("proxy error for Authorization: " + token + " key=" + KEY));
    server.enqueue(new MockResponse().setResponseCode(400).setBody("bad sig=" + rawSig + "&se=1"));
    // The create carries device keys in its body; the answer echoes them.
    server.enqueue(
        json(
            "{\"registrationId\":\"dev-1\",\"attestation\":{\"type\":\"symmetricKey\","
                + "\"symmetricKey\":{\"primaryKey\":\""
                + DEVICE_KEY
                + "\",\"secondaryKey\":\""
                + DEVICE_KEY
                + "\"}},\"etag\":\"\\\"2\\\"\"}"));
    server.enqueue(
        json(
            "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\""
                + DEVICE_KEY
                + "\"}}"));
    // On a pooled connection only DISCONNECT_AFTER_REQUEST takes effect.
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    }

    expectFailure(() -> client.getIndividualEnrollment("dev-1"));
    expectFailure(() -> client.getEnrollmentGroup("g"));
    expectFailure(() -> client.getDeviceRegistrationState("dev-1"));
    IndividualEnrollment saved =
        client.createOrUpdateIndividualEnrollment(enrollment("dev-1"), IfMatch.absent());
    client.getIndividualEnrollmentAttestationMechanism("dev-1");
    expectFailure(() -> client.queryIndividualEnrollments(10, null));
    expectFailure(
        () ->
            DpsClientConfig.builder("HostName=h;SharedAccessKeyName=o;SharedAccessKey=" + KEY + "!")
                .build());
    expectFailure(
        () ->
            DpsClientConfig.builder(
                    "HostName=http://h;SharedAccessKeyName=o;SharedAccessKey=" + KEY)
                .build());

    // The token really was used, so it is a meaningful thing to look for.
    RecordedRequest first = DpsFixtures.take(server);
    assertThat(first.getHeader("Authorization")).isEqualTo(token);
    assertThat(saved.attestation().symmetricKey().toString()).doesNotContain(DEVICE_KEY);

    List<String> everything = new ArrayList<>(exceptionMessages);
    for (ILoggingEvent e : logs.list) {
      everything.add(text(e));
      everything.add(String.valueOf(e.getMDCPropertyMap()));
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        everything.add(t.getMessage());
      }
    }
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        everything.add(t.getKey() + "=" + t.getValue());
      }
    }
    everything.add(client.toString());
    everything.add(
        DpsFixtures.httpConfig(server, time).build().toString()); // config toString as well

    assertThat(exceptionMessages)
        .anyMatch(m -> m.contains("proxy error for Authorization: SharedAccessSignature ***"))
        .anyMatch(m -> m.contains("bad sig=***"));
    assertThat(messages()).anyMatch(m -> m.startsWith("Called DPS"));
    assertThat(String.join("\n", everything))
        .doesNotContain(KEY)
        .doesNotContain(DEVICE_KEY)
        .doesNotContain(token)
        .doesNotContain(sig)
        .doesNotContain(rawSig)
        .doesNotContain("SharedAccessSignature sr=");
  }
}
