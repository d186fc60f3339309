package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.Http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's AMQP 1.0 connection, as DPS speaks AMQP, on Apache Qpid Proton-J's engine (Netty
 * carries the bytes): SASL PLAIN with authcid {@code {idScope}/registrations/{registrationId}} and
 * the SAS token as password, SASL TPM (DPS's TPM challenge, {@link SaslTpm}), or no SASL with a TLS
 * client certificate (X.509); a session with a link each way addressed {@code
 * /{idScope}/registrations/{registrationId}}; requests carry the application property {@code
 * iotdps-operation-type} ({@code iotdps-register} with the register body, or {@code
 * iotdps-get-operationstatus} with {@code iotdps-operation-id}); answers are the HTTPS API's JSON
 * in a Data section, with {@code retry-after} and {@code status} application properties.
 *
 * <p>Proton-J is not thread-safe: the engine is touched only on the channel's event loop;
 * registrations run on the request threads, one after another per connection.
 */
final class AmqpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
  private static final Symbol UNAUTHORIZED = Symbol.valueOf("amqp:unauthorized-access");
  private static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
  private static final String OPERATION_TYPE = "iotdps-operation-type";
  private static final String OPERATION_ID = "iotdps-operation-id";

  private final SslHandler tls;
  private final Registrations registrations;
  private final Faults faults;
  private final Executor executor;
  private final Clock clock;
  private final Transport transport = Proton.transport();
  private final Connection connection = Proton.connection();
  private final Collector collector = Proton.collector();

  private ChannelHandlerContext ctx;
  private String idScope; // from SASL, or from the first link (X.509)
  private String registrationId;
  private Registrations.Credentials credentials;
  private boolean authenticated;
  private Sender sender;
  private long nextTag;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  AmqpConnection(
      SslHandler tls, Registrations registrations, Faults faults, Executor executor, Clock clock) {
    this.tls = tls;
    this.registrations = registrations;
    this.faults = faults;
    this.executor = executor;
    this.clock = clock;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    connection.collect(collector);
    transport.bind(connection);
    Sasl sasl = transport.sasl();
    sasl.server();
    sasl.setMechanisms("PLAIN", SaslTpm.MECHANISM);
    sasl.allowSkip(true); // X.509 devices open AMQP without SASL
    sasl.setListener(new Authentication());
  }

  /**
   * SASL PLAIN ({@code [authzid] NUL authcid NUL password}) or DPS's TPM mechanism ({@link
   * SaslTpm}).
   */
  private final class Authentication implements SaslListener {
    private SaslTpm tpm;

    @Override
    public void onSaslInit(Sasl sasl, Transport t) {
      byte[] initial = new byte[sasl.pending()];
      sasl.recv(initial, 0, initial.length);
      String[] chosen = sasl.getRemoteMechanisms();
      if (chosen.length == 1 && SaslTpm.MECHANISM.equals(chosen[0])) {
        tpm = new SaslTpm(registrations, peerCertificates());
        step(sasl, tpm.init(initial));
        return;
      }
      plain(sasl, initial);
    }

    @Override
    public void onSaslResponse(Sasl sasl, Transport t) {
      byte[] response = new byte[sasl.pending()];
      sasl.recv(response, 0, response.length);
      if (tpm == null) {
        LOG.info("Refused AMQP connection reason=SASL response without the TPM mechanism");
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        return;
      }
      step(sasl, tpm.response(response));
    }

    private void step(Sasl sasl, SaslTpm.Step step) {
      if (step instanceof SaslTpm.Challenge c) {
        sasl.send(c.bytes(), 0, c.bytes().length);
      } else if (step instanceof SaslTpm.Accept a) {
        idScope = a.idScope();
        registrationId = a.registrationId();
        credentials = a.credentials();
        authenticated = true;
        LOG.atDebug()
            .addKeyValue("registrationId", registrationId)
            .log("Authenticated AMQP connection with SASL TPM");
        sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
      } else if (step instanceof SaslTpm.Refuse r) {
        LOG.atInfo()
            .addKeyValue("registrationId", r.registrationId())
            .addKeyValue("reason", r.reason())
            .log("Refused AMQP connection (SASL TPM)");
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
      }
    }

    private void plain(Sasl sasl, byte[] initial) {
      String[] parts = new String(initial, StandardCharsets.UTF_8).split("\0", -1);
      String authcid = parts.length == 3 ? parts[1] : null;
      String password = parts.length == 3 ? parts[2] : null;
      String[] name = authcid == null ? new String[0] : authcid.split("/", -1);
      if (name.length != 3 || !name[1].equals("registrations") || name[2].isEmpty()) {
        LOG.info(
            "Refused AMQP connection reason=SASL PLAIN authcid is not {idScope}/registrations/{id}");
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        return;
      }
      Registrations.Credentials presented =
          new Registrations.Credentials(password, peerCertificates());
      try {
        registrations.checkScope(name[0]);
        registrations.authenticate(name[2], null, presented);
      } catch (ApiException e) {
        LOG.atInfo()
            .addKeyValue("registrationId", name[2])
            .addKeyValue(
                "reason",
                e instanceof ApiException.UnauthorizedException u ? u.reason : e.getMessage())
            .log("Refused AMQP connection");
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        return;
      }
      idScope = name[0];
      registrationId = name[2];
      credentials = presented;
      authenticated = true;
      sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
    }

    @Override
    public void onSaslMechanisms(Sasl sasl, Transport t) {}

    @Override
    public void onSaslChallenge(Sasl sasl, Transport t) {}

    @Override
    public void onSaslOutcome(Sasl sasl, Transport t) {}
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      return;
    }
    try {
      while (in.isReadable()) {
        if (transport.capacity() <= 0) {
          break;
        }
        ByteBuffer input = transport.tail();
        int n = Math.min(input.remaining(), in.readableBytes());
        input.put(in.nioBuffer(in.readerIndex(), n));
        in.skipBytes(n);
        transport.process();
        dispatchEvents();
      }
    } catch (RuntimeException e) {
      LOG.atDebug().addKeyValue("cause", e.toString()).log("Closed AMQP connection");
      ctx.close();
    } finally {
      in.release();
    }
    flush();
  }

  private void dispatchEvents() {
    Event e;
    while ((e = collector.peek()) != null) {
      switch (e.getType()) {
        case CONNECTION_REMOTE_OPEN -> {
          connection.setContainer("dps-emulator");
          connection.open();
        }
        case SESSION_REMOTE_OPEN -> e.getSession().open();
        case LINK_REMOTE_OPEN -> openLink(e.getLink());
        case DELIVERY -> delivery(e.getDelivery());
        case LINK_REMOTE_CLOSE -> e.getLink().close();
        case SESSION_REMOTE_CLOSE -> e.getSession().close();
        case CONNECTION_REMOTE_CLOSE -> connection.close();
        default -> {}
      }
      collector.pop();
    }
  }

  private void openLink(Link link) {
    String address =
        link instanceof Receiver
            ? link.getRemoteTarget() instanceof Target t ? t.getAddress() : null
            : link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
    String[] parts = address == null ? new String[0] : address.split("/", -1);
    // "/{idScope}/registrations/{registrationId}"
    if (parts.length != 4 || !parts[0].isEmpty() || !parts[2].equals("registrations")) {
      refuseLink(link, NOT_FOUND, "No such address: " + address);
      return;
    }
    String scope = parts[1];
    String id = parts[3];
    if (!authenticated) {
      // No SASL: the TLS client certificate authenticates (X.509).
      Registrations.Credentials presented = new Registrations.Credentials(null, peerCertificates());
      try {
        registrations.checkScope(scope);
        registrations.authenticate(id, null, presented);
      } catch (ApiException e) {
        LOG.atInfo()
            .addKeyValue("registrationId", id)
            .addKeyValue(
                "reason",
                e instanceof ApiException.UnauthorizedException u ? u.reason : e.getMessage())
            .log("Refused AMQP link");
        refuseLink(link, UNAUTHORIZED, "Unauthorized");
        connection.setCondition(new ErrorCondition(UNAUTHORIZED, "Unauthorized"));
        connection.close();
        return;
      }
      idScope = scope;
      registrationId = id;
      credentials = presented;
      authenticated = true;
    } else if (!id.equals(registrationId) || !scope.equalsIgnoreCase(idScope)) {
      refuseLink(link, UNAUTHORIZED, "The link address names another device");
      return;
    }
    link.setSource(link.getRemoteSource());
    link.setTarget(link.getRemoteTarget());
    link.open();
    if (link instanceof Receiver r) {
      r.flow(16);
    } else {
      sender = (Sender) link;
    }
    LOG.atDebug()
        .addKeyValue("registrationId", registrationId)
        .addKeyValue("name", link.getName())
        .log("Opened AMQP link");
  }

  private void refuseLink(Link link, Symbol condition, String description) {
    link.setSource(null);
    link.setTarget(null);
    link.open();
    link.setCondition(new ErrorCondition(condition, description));
    link.close();
  }

  private void delivery(Delivery d) {
    if (d.getLink() instanceof Sender) {
      if (d.remotelySettled()) {
        d.settle();
      }
      return;
    }
    Receiver receiver = (Receiver) d.getLink();
    if (!d.isReadable() || d.isPartial()) {
      return;
    }
    byte[] bytes = new byte[d.pending()];
    int read = receiver.recv(bytes, 0, bytes.length);
    receiver.advance();
    Message request = Message.Factory.create();
    request.decode(bytes, 0, read);
    d.disposition(Accepted.getInstance());
    d.settle();
    receiver.flow(1);
    Map<?, ?> properties =
        request.getApplicationProperties() == null
            ? Map.of()
            : request.getApplicationProperties().getValue();
    Object type = properties.get(OPERATION_TYPE);
    Object operationId = properties.get(OPERATION_ID);
    byte[] body = body(request);
    tail =
        tail.thenRunAsync(
            () -> {
              Response answer = answer(type, operationId, body);
              if (answer == null) {
                LOG.atDebug()
                    .addKeyValue("registrationId", registrationId)
                    .log("Dropped AMQP connection (fault injection)");
                ctx.close();
                return;
              }
              ctx.channel().eventLoop().execute(() -> send(answer));
            },
            executor);
  }

  private static byte[] body(Message m) {
    if (m.getBody() instanceof Data data) {
      Binary b = data.getValue();
      return Arrays.copyOfRange(
          b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
    }
    if (m.getBody() instanceof AmqpValue v && v.getValue() instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    return new byte[0];
  }

  /** The answer to a request; null to drop the connection (fault injection). */
  private Response answer(Object type, Object operationId, byte[] body) {
    String trackingId = UUID.randomUUID().toString();
    try {
      if (faults.inject()) {
        return null;
      }
      if ("iotdps-register".equals(type)) {
        return registrations.register(
            registrationId, json(body), credentials, null, Registrations.Transport.AMQP);
      }
      if ("iotdps-get-operationstatus".equals(type)) {
        if (operationId == null) {
          throw ApiException.badRequest("The iotdps-operation-id property is required");
        }
        return registrations.operationStatus(registrationId, operationId.toString(), credentials);
      }
      throw ApiException.badRequest("Unknown iotdps-operation-type: " + type);
    } catch (ApiException e) {
      if (e instanceof ApiException.UnauthorizedException u) {
        LOG.atInfo()
            .addKeyValue("registrationId", registrationId)
            .addKeyValue("reason", u.reason)
            .log("Refused AMQP request");
      }
      Response r = Response.of(e.status, Dispatcher.errorBody(e, trackingId, clock));
      e.headers.forEach(r::header);
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("registrationId", registrationId)
          .addKeyValue("trackingId", trackingId)
          .setCause(e)
          .log("Failed AMQP request");
      return Response.of(
          500,
          Dispatcher.errorBody(
              new ApiException(500, 500001, "Internal error: " + e), trackingId, clock));
    }
  }

  private static JsonNode json(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiException.badRequest("The request body is not valid JSON: " + e.getMessage());
    }
  }

  private void send(Response answer) {
    if (sender == null) {
      LOG.atDebug()
          .addKeyValue("registrationId", registrationId)
          .log("Dropped AMQP answer: no receiver link");
      return;
    }
    try {
      Message m = Message.Factory.create();
      m.setBody(new Data(new Binary(Json.MAPPER.writeValueAsBytes(answer.body()))));
      Map<String, Object> properties = new HashMap<>();
      properties.put("status", answer.status());
      String retryAfter = answer.headers().get("Retry-After");
      if (retryAfter != null) {
        properties.put("retry-after", retryAfter);
      }
      m.setApplicationProperties(new ApplicationProperties(properties));
      byte[] buffer = new byte[1024];
      int length;
      while (true) {
        try {
          length = m.encode(buffer, 0, buffer.length);
          break;
        } catch (BufferOverflowException e) {
          buffer = new byte[buffer.length * 2];
        }
      }
      Delivery d = sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII));
      sender.send(buffer, 0, length);
      sender.advance();
      d.settle();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    flush();
  }

  private void flush() {
    dispatchEvents();
    while (true) {
      int pending = transport.pending();
      if (pending <= 0) {
        break;
      }
      ByteBuffer head = transport.head();
      ByteBuf out = Unpooled.copiedBuffer(head);
      transport.pop(out.readableBytes());
      ctx.write(out);
    }
    ctx.flush();
    if (transport.isClosed()) {
      ctx.close();
    }
  }

  private List<X509Certificate> peerCertificates() {
    return Listeners.peerCertificates(tls);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    transport.close_tail();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.atDebug()
        .addKeyValue("registrationId", registrationId)
        .addKeyValue("cause", cause.toString())
        .log("Closed AMQP connection");
    ctx.close();
  }
}
