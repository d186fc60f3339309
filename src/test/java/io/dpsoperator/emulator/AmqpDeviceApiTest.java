package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.TestClient.Resp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AMQP device API on the wire, with Proton-J's engine as the client over a TLS socket on an
 * ephemeral port: SASL PLAIN, the link addresses, the request properties and the answers' body and
 * {@code status}/{@code retry-after} properties.
 */
class AmqpDeviceApiTest {
  private static DpsEmulator dps;
  private static TestClient service;

  @BeforeAll
  static void start() {
    dps = DpsEmulator.builder().build().start();
    service = new TestClient(dps);
  }

  @AfterAll
  static void stop() {
    dps.close();
  }

  /** A device speaking AMQP through a blocking TLS socket, the engine pumped by hand. */
  static final class Device implements AutoCloseable {
    final SSLSocket socket;
    final Transport transport = Proton.transport();
    final Connection connection = Proton.connection();
    final Sasl sasl;
    Session session;
    Receiver receiver;
    Sender sender;
    int tag;

    Device(String saslUser, String token) throws IOException {
      socket =
          (SSLSocket)
              dps.clientSslContext().getSocketFactory().createSocket("localhost", dps.amqpPort());
      socket.startHandshake(); // before the short read timeout the pump uses
      socket.setSoTimeout(50);
      transport.bind(connection);
      sasl = transport.sasl();
      sasl.client();
      sasl.setMechanisms("PLAIN");
      sasl.plain(saslUser, token);
      connection.setHostname("localhost");
      connection.open();
    }

    void openLinks(String address) {
      session = connection.session();
      session.open();
      receiver = session.receiver("rx");
      Source source = new Source();
      source.setAddress(address);
      receiver.setSource(source);
      receiver.setTarget(new Target());
      receiver.open();
      receiver.flow(10);
      sender = session.sender("tx");
      Target target = new Target();
      target.setAddress(address);
      sender.setTarget(target);
      sender.setSource(new Source());
      sender.open();
    }

    /** Moves bytes both ways until {@code done} holds (10 s at most). */
    void pumpUntil(BooleanSupplier done) throws IOException {
      Instant deadline = Instant.now().plusSeconds(10);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      while (!done.getAsBoolean()) {
        assertThat(Instant.now()).as("AMQP exchange finished in time").isBefore(deadline);
        while (transport.pending() > 0) {
          ByteBuffer head = transport.head();
          byte[] bytes = new byte[head.remaining()];
          head.get(bytes);
          transport.pop(bytes.length);
          out.write(bytes);
        }
        out.flush();
        try {
          int n = in.read(buffer);
          if (n < 0) {
            transport.close_tail();
            return;
          }
          ByteBuffer tail = transport.tail();
          tail.put(buffer, 0, n);
          transport.process();
        } catch (SocketTimeoutException e) {
          // nothing arrived yet; write again and read again
        }
      }
    }

    /** Sends a request and returns the answer message. */
    Message request(Map<String, Object> properties, String body) throws IOException {
      Message m = Message.Factory.create();
      m.setApplicationProperties(new ApplicationProperties(properties));
      if (body != null) {
        m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
      }
      byte[] bytes = new byte[4096];
      int n = m.encode(bytes, 0, bytes.length);
      sender.delivery(Integer.toString(tag++).getBytes(StandardCharsets.US_ASCII));
      sender.send(bytes, 0, n);
      sender.advance();
      pumpUntil(() -> receiver.current() != null && !receiver.current().isPartial());
      Delivery d = receiver.current();
      byte[] in = new byte[d.pending()];
      int read = receiver.recv(in, 0, in.length);
      receiver.advance();
      d.settle();
      Message answer = Message.Factory.create();
      answer.decode(in, 0, read);
      return answer;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String enroll(String id) {
    Resp e =
        service.service(
            "PUT", "/enrollments/" + id, Map.of("attestation", Map.of("type", "symmetricKey")));
    return e.json().at("/attestation/symmetricKey/primaryKey").asText();
  }

  private static String token(String id, String key) {
    return Sas.deviceToken(
        dps.idScope(), id, key, Instant.now().plusSeconds(3600).getEpochSecond());
  }

  private static JsonNode json(Message m) throws IOException {
    Binary b = ((Data) m.getBody()).getValue();
    return TestClient.JSON.readTree(b.getArray(), b.getArrayOffset(), b.getLength());
  }

  @Test
  void registersAndAnswersWithStatusAndRetryAfter() throws Exception {
    String key = enroll("amqp-wire");
    String address = "/" + dps.idScope() + "/registrations/amqp-wire";
    try (Device d =
        new Device(dps.idScope() + "/registrations/amqp-wire", token("amqp-wire", key))) {
      d.openLinks(address);
      d.pumpUntil(
          () ->
              d.receiver.getRemoteState() == EndpointState.ACTIVE
                  && d.sender.getRemoteState() == EndpointState.ACTIVE);
      assertThat(d.sasl.getOutcome()).isEqualTo(Sasl.SaslOutcome.PN_SASL_OK);

      Map<String, Object> register = new HashMap<>();
      register.put("iotdps-operation-type", "iotdps-register");
      Message registered = d.request(register, "{\"registrationId\":\"amqp-wire\"}");
      assertThat(registered.getApplicationProperties().getValue())
          .containsEntry("status", 202)
          .containsEntry("retry-after", "1");
      String operationId = json(registered).get("operationId").asText();

      Map<String, Object> poll = new HashMap<>();
      poll.put("iotdps-operation-type", "iotdps-get-operationstatus");
      poll.put("iotdps-operation-id", operationId);
      Message status = d.request(poll, null);
      assertThat(status.getApplicationProperties().getValue()).containsEntry("status", 200);
      assertThat(json(status).get("status").asText()).isEqualTo("assigned");

      poll.put("iotdps-operation-id", "nope");
      Message unknown = d.request(poll, null);
      assertThat(unknown.getApplicationProperties().getValue()).containsEntry("status", 404);
      assertThat(json(unknown).get("errorCode").asInt()).isEqualTo(404001);
    }
  }

  @Test
  void refusesAWrongKeyAtSaslAndAnotherDevicesAddress() throws Exception {
    String key = enroll("amqp-wire-a");
    String other = enroll("amqp-wire-b");
    try (Device d =
        new Device(dps.idScope() + "/registrations/amqp-wire-a", token("amqp-wire-a", other))) {
      d.pumpUntil(() -> d.sasl.getOutcome() != Sasl.SaslOutcome.PN_SASL_NONE);
      assertThat(d.sasl.getOutcome()).isEqualTo(Sasl.SaslOutcome.PN_SASL_AUTH);
    }
    try (Device d =
        new Device(dps.idScope() + "/registrations/amqp-wire-a", token("amqp-wire-a", key))) {
      d.openLinks("/" + dps.idScope() + "/registrations/amqp-wire-b");
      d.pumpUntil(() -> d.sender.getRemoteState() == EndpointState.CLOSED);
      assertThat(d.sender.getRemoteCondition().getCondition().toString())
          .isEqualTo("amqp:unauthorized-access");
    }
  }

  @Test
  void aRegisterCallWithATpmBodyIsABadRequestNamingSasl() throws Exception {
    String key = enroll("amqp-wire-tpm-body");
    String address = "/" + dps.idScope() + "/registrations/amqp-wire-tpm-body";
    try (Device d =
        new Device(
            dps.idScope() + "/registrations/amqp-wire-tpm-body",
            token("amqp-wire-tpm-body", key))) {
      d.openLinks(address);
      d.pumpUntil(
          () ->
              d.receiver.getRemoteState() == EndpointState.ACTIVE
                  && d.sender.getRemoteState() == EndpointState.ACTIVE);
      Map<String, Object> register = new HashMap<>();
      register.put("iotdps-operation-type", "iotdps-register");
      Message answer =
          d.request(
              register,
              "{\"registrationId\":\"amqp-wire-tpm-body\",\"tpm\":{\"endorsementKey\":\"AAAA\"}}");
      assertThat(answer.getApplicationProperties().getValue()).containsEntry("status", 400);
      assertThat(json(answer).get("message").asText()).contains("SASL").contains("TPM");
    }
  }
}
