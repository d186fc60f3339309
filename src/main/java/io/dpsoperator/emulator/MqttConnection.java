package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsoperator.emulator.Http.Response;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's MQTT connection, as DPS speaks MQTT: CONNECT authenticates (username {@code
 * {idScope}/registrations/{registrationId}/api-version=...}, password the SAS token, or the TLS
 * client certificate), the device subscribes to {@code $dps/registrations/res/#} and publishes
 * register and operation-status requests; answers go to {@code
 * $dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}]} with the HTTPS API's JSON bodies.
 *
 * <p>Packets of a connection are handled one after another on the emulator's request threads, never
 * on Netty's event loop, so the answers keep the order of the requests (the Java SDK matches
 * answers by order).
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

  /** The topic filter devices subscribe to for answers. */
  static final String RESPONSE_FILTER = "$dps/registrations/res/#";

  static final String REGISTER_TOPIC = "$dps/registrations/PUT/iotdps-register/";
  static final String OPERATION_TOPIC = "$dps/registrations/GET/iotdps-get-operationstatus/";

  /** A device that sends no CONNECT within this many seconds is disconnected. */
  static final int CONNECT_TIMEOUT_SECONDS = 30;

  private final SslHandler tls;
  private final Registrations registrations;
  private final Faults faults;
  private final Executor executor;
  private final Clock clock;

  // Written and read only inside the serial chain of this connection.
  private String registrationId;
  private Registrations.Credentials credentials;
  private boolean subscribed;

  // Touched only on the channel's event loop.
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  MqttConnection(
      SslHandler tls, Registrations registrations, Faults faults, Executor executor, Clock clock) {
    this.tls = tls;
    this.registrations = registrations;
    this.faults = faults;
    this.executor = executor;
    this.clock = clock;
  }

  /** The username DPS expects, split: ID scope and registration id; null when malformed. */
  record Username(String idScope, String registrationId, String apiVersion) {
    static Username parse(String username) {
      if (username == null) {
        return null;
      }
      String[] parts = username.split("/", 4);
      if (parts.length != 4
          || parts[0].isEmpty()
          || !parts[1].equals("registrations")
          || parts[2].isEmpty()) {
        return null;
      }
      String apiVersion = query(parts[3]).get("api-version");
      if (apiVersion == null || apiVersion.isBlank()) {
        return null;
      }
      return new Username(parts[0], parts[2], apiVersion);
    }
  }

  /** The parameters after {@code ?} (or the whole text when there is no {@code ?}). */
  static Map<String, String> query(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    int q = text.indexOf('?');
    String raw = q < 0 ? text : text.substring(q + 1);
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(Sas.percentDecode(k), Sas.percentDecode(v));
    }
    return out;
  }

  /** The topic of an answer: status, request id and, when the answer has one, retry-after. */
  static String responseTopic(int status, String rid, String retryAfter) {
    return "$dps/registrations/res/"
        + status
        + "/?$rid="
        + rid
        + (retryAfter == null ? "" : "&retry-after=" + retryAfter);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.pipeline()
        .addBefore(
            ctx.name(),
            "idle",
            new IdleStateHandler(CONNECT_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof MqttMessage m)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (m.decoderResult().isFailure()) {
      LOG.atDebug()
          .addKeyValue("cause", String.valueOf(m.decoderResult().cause()))
          .log("Closed MQTT connection on a malformed packet");
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    MqttMessageType type = m.fixedHeader().messageType();
    if (type == MqttMessageType.PINGREQ) {
      ctx.writeAndFlush(
          new MqttMessage(
              new MqttFixedHeader(
                  MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
      return;
    }
    byte[] payload = null;
    if (m instanceof MqttPublishMessage p) {
      payload = ByteBufUtil.getBytes(p.payload());
      ReferenceCountUtil.release(p);
    }
    byte[] body = payload;
    tail =
        tail.thenRunAsync(
            () -> {
              try {
                handle(ctx, m, body);
              } catch (RuntimeException e) {
                LOG.atWarn()
                    .addKeyValue("type", type)
                    .addKeyValue("registrationId", registrationId)
                    .setCause(e)
                    .log("Failed MQTT packet");
                ctx.close();
              }
            },
            executor);
  }

  private void handle(ChannelHandlerContext ctx, MqttMessage m, byte[] body) {
    MqttMessageType type = m.fixedHeader().messageType();
    if (type == MqttMessageType.CONNECT) {
      connect(ctx, (MqttConnectMessage) m);
      return;
    }
    if (credentials == null) {
      LOG.atDebug().addKeyValue("type", type).log("Closed MQTT connection: packet before CONNECT");
      ctx.close();
      return;
    }
    switch (type) {
      case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) m);
      case UNSUBSCRIBE -> {
        subscribed = false;
        MqttUnsubscribeMessage u = (MqttUnsubscribeMessage) m;
        ctx.writeAndFlush(
            new MqttUnsubAckMessage(
                fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                MqttMessageIdVariableHeader.from(u.variableHeader().messageId())));
      }
      case PUBLISH -> publish(ctx, (MqttPublishMessage) m, body);
      case DISCONNECT -> ctx.close();
      default -> {
        LOG.atDebug()
            .addKeyValue("type", type)
            .log("Closed MQTT connection on an unexpected packet");
        ctx.close();
      }
    }
  }

  private void connect(ChannelHandlerContext ctx, MqttConnectMessage m) {
    if (credentials != null) {
      ctx.close(); // a second CONNECT is a protocol violation [MQTT-3.1.0-2]
      return;
    }
    if (m.variableHeader().version() != 4) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, null, "");
      return;
    }
    Username username = Username.parse(m.payload().userName());
    if (username == null) {
      refuse(
          ctx,
          MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
          null,
          "the username is not {idScope}/registrations/{registrationId}/api-version=...");
      return;
    }
    if (!username.registrationId().equals(m.payload().clientIdentifier())) {
      refuse(
          ctx,
          MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
          username.registrationId(),
          "the client id differs from the registration id of the username");
      return;
    }
    byte[] password = m.payload().passwordInBytes();
    Registrations.Credentials presented =
        new Registrations.Credentials(
            password == null || password.length == 0
                ? null
                : new String(password, StandardCharsets.UTF_8),
            peerCertificates());
    try {
      registrations.checkScope(username.idScope());
      registrations.authenticate(username.registrationId(), null, presented);
    } catch (ApiException.UnauthorizedException e) {
      refuse(
          ctx,
          MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          username.registrationId(),
          e.reason);
      return;
    } catch (ApiException e) {
      refuse(
          ctx,
          MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          username.registrationId(),
          e.getMessage());
      return;
    }
    registrationId = username.registrationId();
    credentials = presented;
    int keepAlive = m.variableHeader().keepAliveTimeSeconds();
    ctx.channel()
        .eventLoop()
        .execute(
            () -> {
              // MQTT-3.1.2-24: one and a half keep-alive periods without a packet end the session.
              ctx.pipeline()
                  .replace(
                      "idle",
                      "idle",
                      new IdleStateHandler(
                          keepAlive == 0 ? 0 : keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
            });
    LOG.atDebug().addKeyValue("registrationId", registrationId).log("Accepted MQTT connection");
    ctx.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
  }

  private void refuse(
      ChannelHandlerContext ctx, MqttConnectReturnCode code, String registrationId, String why) {
    LOG.atInfo()
        .addKeyValue("registrationId", registrationId)
        .addKeyValue("code", code)
        .addKeyValue("reason", why)
        .log("Refused MQTT connection");
    ctx.writeAndFlush(connAck(code)).addListener(f -> ctx.close());
  }

  private static MqttConnAckMessage connAck(MqttConnectReturnCode code) {
    return new MqttConnAckMessage(
        fixed(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
        new MqttConnAckVariableHeader(code, false));
  }

  private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage m) {
    List<Integer> granted = new ArrayList<>();
    for (MqttTopicSubscription s : m.payload().topicSubscriptions()) {
      if (s.topicName().equals(RESPONSE_FILTER)) {
        subscribed = true;
        granted.add(Math.min(1, s.qualityOfService().value()));
      } else {
        granted.add(MqttQoS.FAILURE.value());
      }
    }
    ctx.writeAndFlush(
        new MqttSubAckMessage(
            fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
            MqttMessageIdVariableHeader.from(m.variableHeader().messageId()),
            new MqttSubAckPayload(granted.stream().mapToInt(Integer::intValue).toArray())));
  }

  private void publish(ChannelHandlerContext ctx, MqttPublishMessage m, byte[] body) {
    if (m.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      ctx.writeAndFlush(
          new MqttPubAckMessage(
              fixed(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE),
              MqttMessageIdVariableHeader.from(m.variableHeader().packetId())));
    }
    String topic = m.variableHeader().topicName();
    Map<String, String> params = query(topic.indexOf('?') < 0 ? "" : topic);
    String rid = params.get("$rid");
    if (rid == null || rid.isEmpty()) {
      LOG.atDebug().addKeyValue("topic", topic).log("Closed MQTT connection: request without $rid");
      ctx.close();
      return;
    }
    String trackingId = UUID.randomUUID().toString();
    Response answer;
    try {
      if (faults.inject()) {
        LOG.atDebug()
            .addKeyValue("registrationId", registrationId)
            .log("Dropped MQTT connection (fault injection)");
        ctx.close();
        return;
      }
      answer = request(topic, params, body);
    } catch (ApiException e) {
      if (e instanceof ApiException.UnauthorizedException u) {
        LOG.atInfo()
            .addKeyValue("registrationId", registrationId)
            .addKeyValue("reason", u.reason)
            .log("Refused MQTT request");
      }
      answer = Response.of(e.status, Dispatcher.errorBody(e, trackingId, clock));
      e.headers.forEach(answer::header);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!subscribed) {
      LOG.atDebug()
          .addKeyValue("rid", rid)
          .log("Dropped MQTT answer: no subscription to {}", RESPONSE_FILTER);
      return;
    }
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ctx.writeAndFlush(
        new MqttPublishMessage(
            fixed(MqttMessageType.PUBLISH, MqttQoS.AT_MOST_ONCE),
            new MqttPublishVariableHeader(
                responseTopic(answer.status(), rid, answer.headers().get("Retry-After")), -1),
            Unpooled.wrappedBuffer(json)));
  }

  private Response request(String topic, Map<String, String> params, byte[] body) {
    if (topic.startsWith(REGISTER_TOPIC + "?")) {
      return registrations.register(
          registrationId, json(body), credentials, null, Registrations.Transport.MQTT);
    }
    if (topic.startsWith(OPERATION_TOPIC + "?")) {
      String operationId = params.get("operationId");
      if (operationId == null || operationId.isEmpty()) {
        throw ApiException.badRequest("The operationId parameter of the topic is required");
      }
      return registrations.operationStatus(registrationId, operationId, credentials);
    }
    throw ApiException.notFound("No such request topic: " + topic.split("\\?", 2)[0]);
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

  private List<X509Certificate> peerCertificates() {
    return Listeners.peerCertificates(tls);
  }

  private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos) {
    return new MqttFixedHeader(type, false, qos, false, 0);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      LOG.atDebug()
          .addKeyValue("registrationId", registrationId)
          .log("Closed idle MQTT connection");
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.atDebug()
        .addKeyValue("registrationId", registrationId)
        .addKeyValue("cause", cause.toString())
        .log("Closed MQTT connection");
    ctx.close();
  }
}
