package io.dpsoperator.emulator;

import io.dpsoperator.emulator.Http.Request;
import io.dpsoperator.emulator.Http.Response;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the HTTPS port: hands each request to the {@link Dispatcher} on a request
 * thread (answers keep the order of the requests), and upgrades {@code GET /mqtt} and {@code GET
 * /$iothub/websocket} to MQTT over WebSockets (subprotocol {@code mqtt}) or AMQP over WebSockets
 * ({@code AMQPWSB10}).
 */
final class HttpsConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpsConnection.class);

  /** The paths the SDKs open WebSockets on: Java's MQTT, and everyone's AMQP and Node's MQTT. */
  static final Set<String> WEBSOCKET_PATHS = Set.of("/mqtt", "/$iothub/websocket");

  static final String MQTT_WS = "mqtt";
  static final String AMQP_WS = "AMQPWSB10";

  private final SslHandler tls;
  private final Dispatcher dispatcher;
  private final Executor executor;
  private final BiConsumer<ChannelPipeline, String> upgrade;
  private final int maxFrameBytes;
  private List<X509Certificate> peerCertificates;

  // Touched only on the channel's event loop.
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

  HttpsConnection(
      SslHandler tls,
      Dispatcher dispatcher,
      Executor executor,
      BiConsumer<ChannelPipeline, String> upgrade,
      int maxFrameBytes) {
    this.tls = tls;
    this.dispatcher = dispatcher;
    this.executor = executor;
    this.upgrade = upgrade;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (req.decoderResult().isFailure()) {
        write(
            ctx,
            Response.of(400, null).header("Connection", "close"),
            false); // not HTTP: nothing more to read on this connection
        return;
      }
      String rawPath = rawPath(req.uri());
      if (isWebSocketUpgrade(req) && WEBSOCKET_PATHS.contains(rawPath)) {
        upgrade(ctx, req.retain());
        return;
      }
      Request request = request(req, rawPath);
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      tail =
          tail.thenRunAsync(
              () -> {
                try {
                  Response response = dispatcher.handle(request);
                  if (response == null) {
                    ctx.close();
                  } else {
                    write(ctx, response, keepAlive);
                  }
                } catch (RuntimeException e) {
                  LOG.atWarn()
                      .addKeyValue("path", request.path())
                      .setCause(e)
                      .log("Failed request");
                  ctx.close();
                }
              },
              executor);
    } finally {
      req.release();
    }
  }

  private static boolean isWebSocketUpgrade(FullHttpRequest req) {
    return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
    String protocols = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
    String chosen = null;
    for (String p : protocols.split(",")) {
      if (p.trim().equals(MQTT_WS) || p.trim().equals(AMQP_WS)) {
        chosen = p.trim();
        break;
      }
    }
    if (chosen == null) {
      req.release();
      LOG.atInfo()
          .addKeyValue("path", req.uri())
          .addKeyValue("subprotocols", protocols)
          .log("Refused WebSocket upgrade");
      write(
          ctx,
          Response.of(400, null).header("Connection", "close"),
          false); // the emulator speaks MQTT and AMQP over WebSockets only
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    p.addAfter(
        ctx.name(),
        "ws",
        new WebSocketServerProtocolHandler(
            WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(req.uri())
                .subprotocols(chosen)
                .checkStartsWith(false)
                .maxFramePayloadLength(maxFrameBytes)
                .build()));
    upgrade.accept(p, chosen);
    ctx.fireChannelRead(req); // the handshake handler answers 101 and swaps in the frame codec
    p.remove(this);
  }

  private Request request(FullHttpRequest req, String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(Sas.percentDecode(part));
      }
    }
    Map<String, String> query = new LinkedHashMap<>();
    int q = req.uri().indexOf('?');
    if (q >= 0) {
      for (String pair : req.uri().substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        query.putIfAbsent(Sas.percentDecode(k), Sas.percentDecode(v));
      }
    }
    return new Request(
        req.method().name().toUpperCase(Locale.ROOT),
        rawPath,
        segments,
        query,
        req.headers().copy(),
        ByteBufUtil.getBytes(req.content()),
        peerCertificates());
  }

  /** The path of an origin-form ({@code /a/b?c}) or absolute-form ({@code https://h/a/b}) URI. */
  static String rawPath(String uri) {
    String path = uri;
    int scheme = path.indexOf("://");
    if (scheme > 0 && scheme < path.indexOf('/')) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private List<X509Certificate> peerCertificates() {
    if (peerCertificates == null) {
      peerCertificates = Listeners.peerCertificates(tls);
    }
    return peerCertificates;
  }

  /** Writes an answer; closes the connection after it unless it is kept alive. */
  static void write(ChannelHandlerContext ctx, Response response, boolean keepAlive) {
    byte[] bytes;
    try {
      bytes =
          response.body() == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            Unpooled.wrappedBuffer(bytes));
    response.headers().forEach((k, v) -> res.headers().set(k, v));
    if (response.body() != null) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    }
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    boolean close = !keepAlive || "close".equalsIgnoreCase(response.headers().get("Connection"));
    if (close) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(res);
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.atDebug().addKeyValue("cause", cause.toString()).log("Closed HTTPS connection");
    ctx.close();
  }
}
