package io.dpsoperator.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The emulator's TLS listeners on Netty: the HTTPS port (service API, device API, MQTT over
 * WebSockets) and the MQTT port. One TLS stack for all: TLS 1.3 and 1.2, a client certificate
 * requested but not required (the registration logic verifies a presented chain, as DPS does),
 * TCP_NODELAY. Requests run on the emulator's request threads, never on the event loop.
 */
final class Listeners implements AutoCloseable {
  private final SSLContext sslContext;
  private final Dispatcher dispatcher;
  private final Registrations registrations;
  private final Faults faults;
  private final Executor executor;
  private final int maxMessageBytes;
  private final Clock clock;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final List<Channel> channels = new ArrayList<>();

  Listeners(
      SSLContext sslContext,
      Dispatcher dispatcher,
      Registrations registrations,
      Faults faults,
      Executor executor,
      int maxMessageBytes,
      Clock clock) {
    this.sslContext = sslContext;
    this.dispatcher = dispatcher;
    this.registrations = registrations;
    this.faults = faults;
    this.executor = executor;
    this.maxMessageBytes = maxMessageBytes;
    this.clock = clock;
    this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("dps-emulator-accept", true));
    this.workers =
        new NioEventLoopGroup(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            new DefaultThreadFactory("dps-emulator-io", true));
  }

  /** Listens for HTTPS (and MQTT over WebSockets) on {@code address:port}; returns the port. */
  int https(InetAddress address, int port) {
    return bind(address, port, "HTTPS", this::httpsPipeline);
  }

  /** Listens for AMQP 1.0 over TLS on {@code address:port}; returns the port. */
  int amqp(InetAddress address, int port) {
    return bind(address, port, "AMQP", this::amqpPipeline);
  }

  /** Listens for MQTT over TLS on {@code address:port}; returns the port. */
  int mqtt(InetAddress address, int port) {
    return bind(address, port, "MQTT", this::mqttPipeline);
  }

  private void httpsPipeline(SocketChannel ch) {
    SslHandler tls = tls();
    ch.pipeline()
        .addLast("tls", tls)
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new BoundedAggregator(maxMessageBytes, dispatcher))
        .addLast(
            "dps", new HttpsConnection(tls, dispatcher, executor, this::upgrade, maxMessageBytes));
  }

  private void mqttPipeline(SocketChannel ch) {
    SslHandler tls = tls();
    ch.pipeline().addLast("tls", tls);
    mqttHandlers(ch.pipeline(), tls);
  }

  private void amqpPipeline(SocketChannel ch) {
    SslHandler tls = tls();
    ch.pipeline()
        .addLast("tls", tls)
        .addLast("amqp", new AmqpConnection(tls, registrations, faults, executor, clock));
  }

  private void mqttHandlers(ChannelPipeline p, SslHandler tls) {
    p.addLast("mqtt-decoder", new MqttDecoder(maxMessageBytes))
        .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
        .addLast("mqtt", new MqttConnection(tls, registrations, faults, executor, clock));
  }

  /**
   * After the WebSocket handshake, MQTT packets ({@code mqtt}) or AMQP frames ({@code AMQPWSB10})
   * travel in binary frames.
   */
  private void upgrade(ChannelPipeline p, String subprotocol) {
    p.addLast("ws-bytes", new WebSocketBytes());
    SslHandler tls = p.get(SslHandler.class);
    if (subprotocol.equals(HttpsConnection.AMQP_WS)) {
      p.addLast("amqp", new AmqpConnection(tls, registrations, faults, executor, clock));
    } else {
      mqttHandlers(p, tls);
    }
  }

  /**
   * The cipher suites DPS offers: TLS 1.3's AES-GCM suites and, for TLS 1.2, ECDHE with AES-GCM or
   * AES-CBC (ECDSA or RSA server keys). A short list also spares the provider checking the 30-odd
   * suites a JDK client offers against its constraints on every handshake.
   */
  static final String[] CIPHER_SUITES = {
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"
  };

  private SslHandler tls() {
    SSLEngine engine = sslContext.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    engine.setEnabledCipherSuites(CIPHER_SUITES);
    engine.setWantClientAuth(true);
    return new SslHandler(engine);
  }

  private int bind(InetAddress address, int port, String what, Consumer<SocketChannel> pipeline) {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    pipeline.accept(ch);
                  }
                });
    ChannelFuture bound =
        bootstrap.bind(new InetSocketAddress(address, port)).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new UncheckedIOException(
          new IOException(
              "Could not listen for "
                  + what
                  + " on "
                  + address.getHostAddress()
                  + ":"
                  + port
                  + ": "
                  + bound.cause().getMessage(),
              bound.cause()));
    }
    synchronized (channels) {
      channels.add(bound.channel());
    }
    return ((InetSocketAddress) bound.channel().localAddress()).getPort();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    synchronized (channels) {
      channels.forEach(c -> c.close().awaitUninterruptibly());
      channels.clear();
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Answers a request whose body exceeds the limit with the emulator's JSON 413, then closes. */
  private static final class BoundedAggregator extends HttpObjectAggregator {
    private final int max;
    private final Dispatcher dispatcher;

    BoundedAggregator(int max, Dispatcher dispatcher) {
      super(max);
      this.max = max;
      this.dispatcher = dispatcher;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      HttpsConnection.write(ctx, dispatcher.tooLarge(max), false);
    }
  }

  /** The client chain the TLS handshake of a connection presented (leaf first); empty if none. */
  static java.util.List<java.security.cert.X509Certificate> peerCertificates(
      io.netty.handler.ssl.SslHandler tls) {
    java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>();
    try {
      for (java.security.cert.Certificate c : tls.engine().getSession().getPeerCertificates()) {
        if (c instanceof java.security.cert.X509Certificate x) {
          chain.add(x);
        }
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return java.util.List.of();
    }
    return java.util.List.copyOf(chain);
  }
}
