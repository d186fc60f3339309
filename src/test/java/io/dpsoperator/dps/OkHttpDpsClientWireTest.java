package io.dpsoperator.dps;

import static io.dpsoperator.dps.DpsFixtures.KEY;
import static io.dpsoperator.dps.DpsFixtures.enrollment;
import static io.dpsoperator.dps.DpsFixtures.enrollmentJson;
import static io.dpsoperator.dps.DpsFixtures.error;
import static io.dpsoperator.dps.DpsFixtures.group;
import static io.dpsoperator.dps.DpsFixtures.groupJson;
import static io.dpsoperator.dps.DpsFixtures.hostPort;
import static io.dpsoperator.dps.DpsFixtures.json;
import static io.dpsoperator.dps.DpsFixtures.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.dps.auth.SasTokenProvider;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkEnrollmentOperationResult;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import io.dpsoperator.dps.model.EnrollmentGroup;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.InitialTwin;
import io.dpsoperator.dps.model.InitialTwinProperties;
import io.dpsoperator.dps.model.ProvisioningStatus;
import io.dpsoperator.dps.model.ReprovisionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the client puts on the wire and how it reads the answers, operation by operation. */
class OkHttpDpsClientWireTest {
  private static final Pattern AUTH =
      Pattern.compile(
          "SharedAccessSignature sr=([^&]+)&sig=([A-Za-z0-9%]+)&se=([0-9]+)&skn=provisioningserviceowner");

  private final ObjectMapper json = DpsJson.newObjectMapper();
  private final FakeTime time = new FakeTime();
  private MockWebServer server;
  private OkHttpDpsClient client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    client = new OkHttpDpsClient(DpsFixtures.httpConfig(server, time).build());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.shutdown();
  }

  private RecordedRequest expect(String method, String path) throws Exception {
    RecordedRequest r = take(server);
    assertThat(r.getMethod()).isEqualTo(method);
    assertThat(r.getRequestUrl().encodedPath()).isEqualTo(path);
    assertThat(r.getRequestUrl().queryParameterNames()).containsExactly("api-version");
    assertThat(r.getRequestUrl().queryParameter("api-version")).isEqualTo("2021-10-01");
    assertThat(r.getHeader("Accept")).isEqualTo("application/json");
    assertThat(r.getHeader("Authorization")).matches(AUTH);
    return r;
  }

  private JsonNode body(RecordedRequest r) throws Exception {
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    return json.readTree(r.getBody().readUtf8());
  }

  @Test
  void authorizationIsAValidSasForTheHost() throws Exception {
    server.enqueue(json(enrollmentJson("dev-1", "\"e1\"")));
    client.getIndividualEnrollment("dev-1");
    String auth = take(server).getHeader("Authorization");
    Matcher m = AUTH.matcher(auth);
    assertThat(m.matches()).isTrue();
    String host = hostPort(server);
    assertThat(m.group(1)).isEqualTo(host.replace(":", "%3A"));
    long se = Long.parseLong(m.group(3));
    assertThat(se).isEqualTo(time.now().getEpochSecond() + 3600);
    assertThat(auth)
        .isEqualTo(SasTokenProvider.generate(host, KEY, "provisioningserviceowner", se));
  }

  @Test
  void reusesTheCachedTokenAcrossCalls() throws Exception {
    server.enqueue(json(enrollmentJson("a", "\"1\"")));
    server.enqueue(json(enrollmentJson("a", "\"1\"")));
    client.getIndividualEnrollment("a");
    time.advance(java.time.Duration.ofMinutes(30));
    client.getIndividualEnrollment("a");
    assertThat(take(server).getHeader("Authorization"))
        .isEqualTo(take(server).getHeader("Authorization"));
  }

  // Individual enrollments

  @Test
  void getIndividualEnrollment() throws Exception {
    server.enqueue(
        json(
            enrollmentJson("dev-1", "\"13003fea-0000-0300-0000-62d1d5e50000\"")
                .replaceFirst("}$", ",\"brandNewField\":[1,2,{\"x\":true}]}")));
    IndividualEnrollment e = client.getIndividualEnrollment("dev-1");
    expect("GET", "/enrollments/dev-1");
    assertThat(e.registrationId()).isEqualTo("dev-1");
    assertThat(e.etag()).isEqualTo("\"13003fea-0000-0300-0000-62d1d5e50000\"");
    assertThat(e.provisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
    assertThat(e.createdDateTimeUtc()).isNotNull();
  }

  @Test
  void idsArePathEncoded() throws Exception {
    server.enqueue(json(enrollmentJson("a:b.c_d-e", "\"1\"")));
    client.getIndividualEnrollment("a:b.c_d-e");
    expect("GET", "/enrollments/a:b.c_d-e");
    server.enqueue(json(enrollmentJson("x", "\"1\"")));
    client.getIndividualEnrollment("we/ird id");
    expect("GET", "/enrollments/we%2Fird%20id");
  }

  @Test
  void createOrUpdateSendsNoReadOnlyFieldsAndKeepsTheTwinIntact() throws Exception {
    ObjectNode tags =
        (ObjectNode)
            json.readTree(
                "{\"site\":\"Zürich\",\"n\":1.10,\"big\":123456789012345678901234567890,"
                    + "\"nested\":{\"a\":[1,\"2\",null,{\"b\":false}]},\"nothing\":null,"
                    + "\"$metadata\":{\"$lastUpdated\":\"2022-01-01T00:00:00Z\"}}");
    ObjectNode desired = (ObjectNode) json.readTree("{\"telemetryInterval\":30,\"modes\":[]}");
    IndividualEnrollment fromGet =
        json.readValue(enrollmentJson("dev-1", "\"old\""), IndividualEnrollment.class).toBuilder()
            .initialTwin(new InitialTwin(tags, new InitialTwinProperties(desired)))
            .reprovisionPolicy(new ReprovisionPolicy(true, false))
            .iotHubs(List.of("hub1.azure-devices.net"))
            .build();
    assertThat(fromGet.etag()).isEqualTo("\"old\"");
    server.enqueue(json(enrollmentJson("dev-1", "\"new\"")));

    IndividualEnrollment saved =
        client.createOrUpdateIndividualEnrollment(fromGet, IfMatch.etag(fromGet.etag()));

    RecordedRequest r = expect("PUT", "/enrollments/dev-1");
    assertThat(r.getHeader("If-Match")).isEqualTo("\"old\"");
    String raw = r.getBody().readUtf8();
    JsonNode body = json.readTree(raw);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(body.has("etag")).isFalse();
    assertThat(body.has("createdDateTimeUtc")).isFalse();
    assertThat(body.has("lastUpdatedDateTimeUtc")).isFalse();
    assertThat(body.has("registrationState")).isFalse();
    assertThat(body.get("registrationId").asText()).isEqualTo("dev-1");
    assertThat(body.at("/reprovisionPolicy/migrateDeviceData").asBoolean()).isFalse();
    assertThat(body.at("/initialTwin/tags")).isEqualTo(tags);
    assertThat(body.at("/initialTwin/properties/desired")).isEqualTo(desired);
    assertThat(raw)
        .contains("\"n\":1.10")
        .contains("\"big\":123456789012345678901234567890")
        .contains("\"nothing\":null")
        .contains("\"$metadata\"");
    assertThat(saved.etag()).isEqualTo("\"new\"");
  }

  @Test
  void ifMatchHeaderForEtagAnyAndAbsent() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(enrollmentJson("d", "\"2\"")));
    }
    client.createOrUpdateIndividualEnrollment(enrollment("d"), IfMatch.etag("\"1\""));
    client.createOrUpdateIndividualEnrollment(enrollment("d"), IfMatch.any());
    client.createOrUpdateIndividualEnrollment(enrollment("d"), IfMatch.absent());
    assertThat(take(server).getHeader("If-Match")).isEqualTo("\"1\"");
    assertThat(take(server).getHeader("If-Match")).isEqualTo("*");
    assertThat(take(server).getHeaders().names()).doesNotContain("If-Match");

    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse().setResponseCode(204));
    }
    client.deleteIndividualEnrollment("d", IfMatch.etag("\"1\""));
    client.deleteIndividualEnrollment("d", IfMatch.any());
    client.deleteIndividualEnrollment("d", IfMatch.absent());
    assertThat(expect("DELETE", "/enrollments/d").getHeader("If-Match")).isEqualTo("\"1\"");
    assertThat(expect("DELETE", "/enrollments/d").getHeader("If-Match")).isEqualTo("*");
    assertThat(expect("DELETE", "/enrollments/d").getHeaders().names()).doesNotContain("If-Match");
  }

  @Test
  void aWriteWithoutAnIfMatchChoiceIsRefused() {
    assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(enrollment("d"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("IfMatch");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void individualAttestationMechanismIsAPostWithAnEmptyObject() throws Exception {
    server.enqueue(
        json(
            "{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"cA==\",\"secondaryKey\":\"cw==\"}}"));
    AttestationMechanism a = client.getIndividualEnrollmentAttestationMechanism("dev-1");
    RecordedRequest r = expect("POST", "/enrollments/dev-1/attestationmechanism");
    assertThat(r.getBody().readUtf8()).isEqualTo("{}");
    assertThat(a.symmetricKey().primaryKey()).isEqualTo("cA==");
  }

  @Test
  void queryIndividualEnrollmentsSendsPagingHeaders() throws Exception {
    server.enqueue(
        json("[" + enrollmentJson("a", "\"1\"") + "," + enrollmentJson("b", "\"2\"") + "]")
            .setHeader("x-ms-continuation", "tok/en+1")
            .setHeader("x-ms-item-type", "Enrollment"));
    DpsPage<IndividualEnrollment> page = client.queryIndividualEnrollments(2, null);
    RecordedRequest r = expect("POST", "/enrollments/query");
    assertThat(body(r).get("query").asText()).isEqualTo("SELECT * FROM enrollments");
    assertThat(r.getHeader("x-ms-max-item-count")).isEqualTo("2");
    assertThat(r.getHeaders().names()).doesNotContain("x-ms-continuation");
    assertThat(page.items())
        .extracting(IndividualEnrollment::registrationId)
        .containsExactly("a", "b");
    assertThat(page.continuationToken()).contains("tok/en+1");

    server.enqueue(json("[]"));
    DpsPage<IndividualEnrollment> last = client.queryIndividualEnrollments(0, "tok/en+1");
    RecordedRequest r2 = expect("POST", "/enrollments/query");
    assertThat(r2.getHeader("x-ms-continuation")).isEqualTo("tok/en+1");
    assertThat(r2.getHeaders().names()).doesNotContain("x-ms-max-item-count");
    assertThat(last.items()).isEmpty();
    assertThat(last.continuationToken()).isEmpty();
  }

  @Test
  void queryAllFollowsContinuationsAndStopsWhenTheHeaderIsAbsent() throws Exception {
    server.enqueue(
        json("[" + enrollmentJson("a", "\"1\"") + "]").setHeader("x-ms-continuation", "c1"));
    server.enqueue(
        json("[" + enrollmentJson("b", "\"1\"") + "]").setHeader("x-ms-continuation", "c2"));
    server.enqueue(json("[" + enrollmentJson("c", "\"1\"") + "]"));
    server.enqueue(json("[" + enrollmentJson("never", "\"1\"") + "]"));

    List<IndividualEnrollment> all = client.queryAllIndividualEnrollments(1);

    assertThat(all).extracting(IndividualEnrollment::registrationId).containsExactly("a", "b", "c");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(take(server).getHeader("x-ms-continuation")).isNull();
    assertThat(take(server).getHeader("x-ms-continuation")).isEqualTo("c1");
    assertThat(take(server).getHeader("x-ms-continuation")).isEqualTo("c2");
  }

  @Test
  void anEmptyContinuationHeaderEndsPaging() throws Exception {
    server.enqueue(
        json("[" + enrollmentJson("a", "\"1\"") + "]").setHeader("x-ms-continuation", ""));
    assertThat(client.queryAllIndividualEnrollments(10)).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void bulkIndividualEnrollmentsSendsItemsAndMode() throws Exception {
    server.enqueue(json("{\"isSuccessful\":true,\"errors\":[]}"));
    IndividualEnrollment withEtag = enrollment("a").toBuilder().etag("\"e-a\"").build();
    BulkEnrollmentOperationResult result =
        client.runIndividualEnrollmentBulkOperation(
            BulkOperationMode.CREATE, List.of(withEtag, enrollment("b")));
    JsonNode body = body(expect("POST", "/enrollments"));
    assertThat(body.get("mode").asText()).isEqualTo("create");
    assertThat(body.get("enrollments")).hasSize(2);
    assertThat(body.at("/enrollments/0/registrationId").asText()).isEqualTo("a");
    assertThat(body.at("/enrollments/0").has("etag")).isFalse();
    assertThat(result.isSuccessful()).isTrue();
  }

  @Test
  void bulkUpdateIfMatchEtagCarriesEachItemsEtag() throws Exception {
    server.enqueue(
        json(
            "{\"isSuccessful\":false,\"errors\":[{\"registrationId\":\"b\",\"errorCode\":412001,"
                + "\"errorStatus\":\"Precondition failed\"}]}"));
    BulkEnrollmentOperationResult result =
        client.runIndividualEnrollmentBulkOperation(
            BulkOperationMode.UPDATE_IF_MATCH_ETAG,
            List.of(
                enrollment("a").toBuilder().etag("\"e-a\"").build(),
                enrollment("b").toBuilder().etag("\"e-b\"").build()));
    JsonNode body = body(expect("POST", "/enrollments"));
    assertThat(body.get("mode").asText()).isEqualTo("updateIfMatchETag");
    assertThat(body.at("/enrollments/0/etag").asText()).isEqualTo("\"e-a\"");
    assertThat(body.at("/enrollments/1/etag").asText()).isEqualTo("\"e-b\"");
    assertThat(result.isSuccessful()).isFalse();
    assertThat(result.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo(412001));
  }

  @Test
  void bulkUpdateIfMatchEtagWithoutAnEtagIsRefusedBeforeAnyCall() {
    assertThatThrownBy(
            () ->
                client.runIndividualEnrollmentBulkOperation(
                    BulkOperationMode.UPDATE_IF_MATCH_ETAG, List.of(enrollment("a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etag");
    assertThat(server.getRequestCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(BulkOperationMode.class)
  void bulkOfElevenIsRefusedBeforeAnyCall(BulkOperationMode mode) {
    List<IndividualEnrollment> eleven =
        IntStream.range(0, 11)
            .mapToObj(i -> enrollment("d" + i).toBuilder().etag("\"e\"").build())
            .toList();
    assertThatThrownBy(() -> client.runIndividualEnrollmentBulkOperation(mode, eleven))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10");
    List<EnrollmentGroup> elevenGroups =
        IntStream.range(0, 11)
            .mapToObj(i -> group("g" + i).toBuilder().etag("\"e\"").build())
            .toList();
    assertThatThrownBy(() -> client.runEnrollmentGroupBulkOperation(mode, elevenGroups))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10");
    assertThatThrownBy(() -> client.runEnrollmentGroupBulkOperation(mode, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void bulkOfTenIsSent() throws Exception {
    server.enqueue(json("{\"isSuccessful\":true}"));
    List<IndividualEnrollment> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(enrollment("d" + i));
    }
    assertThat(
            client
                .runIndividualEnrollmentBulkOperation(BulkOperationMode.DELETE, ten)
                .isSuccessful())
        .isTrue();
    assertThat(body(expect("POST", "/enrollments")).get("enrollments")).hasSize(10);
  }

  // Enrollment groups

  @Test
  void enrollmentGroupOperations() throws Exception {
    server.enqueue(json(groupJson("g1", "\"g-e1\"").replaceFirst("}$", ",\"unknownThing\":42}")));
    EnrollmentGroup g = client.getEnrollmentGroup("g1");
    expect("GET", "/enrollmentGroups/g1");
    assertThat(g.etag()).isEqualTo("\"g-e1\"");

    server.enqueue(json(groupJson("g1", "\"g-e2\"")));
    EnrollmentGroup saved = client.createOrUpdateEnrollmentGroup(g, IfMatch.etag(g.etag()));
    RecordedRequest put = expect("PUT", "/enrollmentGroups/g1");
    assertThat(put.getHeader("If-Match")).isEqualTo("\"g-e1\"");
    JsonNode body = body(put);
    assertThat(body.get("enrollmentGroupId").asText()).isEqualTo("g1");
    assertThat(body.has("etag")).isFalse();
    assertThat(saved.etag()).isEqualTo("\"g-e2\"");

    server.enqueue(new MockResponse().setResponseCode(204));
    client.deleteEnrollmentGroup("g1", IfMatch.any());
    assertThat(expect("DELETE", "/enrollmentGroups/g1").getHeader("If-Match")).isEqualTo("*");

    server.enqueue(json("{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"cA==\"}}"));
    client.getEnrollmentGroupAttestationMechanism("g1");
    assertThat(expect("POST", "/enrollmentGroups/g1/attestationmechanism").getBody().readUtf8())
        .isEqualTo("{}");

    server.enqueue(json("[" + groupJson("g1", "\"1\"") + "]").setHeader("x-ms-continuation", "n"));
    DpsPage<EnrollmentGroup> page = client.queryEnrollmentGroups(50, "c0");
    RecordedRequest q = expect("POST", "/enrollmentGroups/query");
    assertThat(body(q).get("query").asText()).isEqualTo("SELECT * FROM enrollmentGroups");
    assertThat(q.getHeader("x-ms-max-item-count")).isEqualTo("50");
    assertThat(q.getHeader("x-ms-continuation")).isEqualTo("c0");
    assertThat(page.continuationToken()).contains("n");

    server.enqueue(json("{\"isSuccessful\":true,\"errors\":[]}"));
    client.runEnrollmentGroupBulkOperation(
        BulkOperationMode.UPDATE_IF_MATCH_ETAG, List.of(g.toBuilder().etag("\"x\"").build()));
    JsonNode bulk = body(expect("POST", "/enrollmentGroups"));
    assertThat(bulk.get("mode").asText()).isEqualTo("updateIfMatchETag");
    assertThat(bulk.at("/enrollmentGroups/0/enrollmentGroupId").asText()).isEqualTo("g1");
    assertThat(bulk.at("/enrollmentGroups/0/etag").asText()).isEqualTo("\"x\"");
    assertThat(bulk.has("enrollments")).isFalse();
  }

  // Device registration states

  @Test
  void deviceRegistrationStateOperations() throws Exception {
    String state =
        "{\"registrationId\":\"dev-1\",\"createdDateTimeUtc\":\"2022-08-31T22:02:50.5163352Z\","
            + "\"assignedHub\":\"hub1.azure-devices.net\",\"deviceId\":\"dev-1\",\"status\":\"assigned\","
            + "\"substatus\":\"initialAssignment\",\"etag\":\"IjY5MDAzNTUyIg==\","
            + "\"payload\":{\"k\":[1,2]},\"somethingNew\":\"x\"}";
    server.enqueue(json(state));
    DeviceRegistrationState s = client.getDeviceRegistrationState("dev-1");
    expect("GET", "/registrations/dev-1");
    assertThat(s.assignedHub()).isEqualTo("hub1.azure-devices.net");
    assertThat(s.payload().get("k")).hasSize(2);

    server.enqueue(new MockResponse().setResponseCode(204));
    client.deleteDeviceRegistrationState("dev-1", IfMatch.etag(s.etag()));
    assertThat(expect("DELETE", "/registrations/dev-1").getHeader("If-Match"))
        .isEqualTo("IjY5MDAzNTUyIg==");

    server.enqueue(json("[" + state + "]").setHeader("x-ms-continuation", "r2"));
    server.enqueue(json("[]"));
    List<DeviceRegistrationState> all = client.queryAllDeviceRegistrationStates("group-1", 100);
    RecordedRequest q1 = expect("POST", "/registrations/group-1/query");
    assertThat(body(q1).get("query").asText()).isEqualTo("SELECT * FROM registrations");
    assertThat(q1.getHeader("x-ms-max-item-count")).isEqualTo("100");
    assertThat(expect("POST", "/registrations/group-1/query").getHeader("x-ms-continuation"))
        .isEqualTo("r2");
    assertThat(all).hasSize(1);
  }

  // Errors

  @Test
  void notFoundAndPreconditionFailedAreDistinguishable() {
    server.enqueue(error(404, 404201, "track-404", "Enrollment dev-1 not found"));
    server.enqueue(error(412, 412001, "track-412", "Precondition failed"));

    DpsException notFound = catchDps(() -> client.getIndividualEnrollment("dev-1"));
    assertThat(notFound.isNotFound()).isTrue();
    assertThat(notFound.isPreconditionFailed()).isFalse();
    assertThat(notFound.isRetryable()).isFalse();
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.errorCode()).isEqualTo(404201);
    assertThat(notFound.trackingId()).isEqualTo("track-404");
    assertThat(notFound.operation()).isEqualTo("getIndividualEnrollment");
    assertThat(notFound.getMessage())
        .contains("HTTP 404")
        .contains("404201")
        .contains("track-404")
        .contains("Enrollment dev-1 not found");

    DpsException precondition =
        catchDps(() -> client.deleteIndividualEnrollment("dev-1", IfMatch.etag("\"stale\"")));
    assertThat(precondition.isPreconditionFailed()).isTrue();
    assertThat(precondition.isNotFound()).isFalse();
    assertThat(precondition.isRetryable()).isFalse();
    assertThat(precondition.errorCode()).isEqualTo(412001);
  }

  @Test
  void nonJsonErrorBodiesAreTolerated() {
    server.enqueue(
        new MockResponse()
            .setResponseCode(400)
            .setHeader("Content-Type", "text/html")
            .setHeader("x-ms-error-code", "400004")
            .setBody("<html><body>Bad gateway thing\n happened</body></html>"));
    DpsException e = catchDps(() -> client.getEnrollmentGroup("g"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errorCode()).isEqualTo(400004);
    assertThat(e.getMessage()).contains("HTTP 400").contains("Bad gateway thing happened");

    server.enqueue(new MockResponse().setResponseCode(409));
    DpsException conflict =
        catchDps(() -> client.createOrUpdateEnrollmentGroup(group("g"), IfMatch.absent()));
    assertThat(conflict.isConflict()).isTrue();
    assertThat(conflict.errorCode()).isNull();
  }

  @Test
  void anUnreadableSuccessIsATerminalError() {
    server.enqueue(json("{not json"));
    DpsException e = catchDps(() -> client.getEnrollmentGroup("g"));
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.isRetryable()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void blankIdsAreRefusedBeforeAnyCall() {
    List<Consumer<DpsClient>> calls =
        List.of(
            c -> c.getIndividualEnrollment(" "),
            c -> c.getEnrollmentGroup(null),
            c -> c.deleteDeviceRegistrationState("", IfMatch.any()),
            c -> c.queryDeviceRegistrationStates(" ", 10, null),
            c ->
                c.createOrUpdateIndividualEnrollment(
                    IndividualEnrollment.builder(null).build(), IfMatch.absent()));
    for (Consumer<DpsClient> call : calls) {
      assertThatThrownBy(() -> call.accept(client)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void hostNameHasNoScheme() {
    assertThat(client.hostName()).isEqualTo(hostPort(server));
  }

  static DpsException catchDps(Runnable call) {
    try {
      call.run();
    } catch (DpsException e) {
      return e;
    }
    throw new AssertionError("Expected a DpsException");
  }
}
