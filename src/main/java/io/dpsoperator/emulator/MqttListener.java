package io.dpsoperator.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The device registration API over MQTT 3.1.1 on a TLS port (8883 at DPS), built on Netty's MQTT
 * codec. TLS requests but does not require a client certificate, as on the HTTPS port; {@link
 * MqttConnection} speaks the DPS topics and {@link Registrations} decides.
 */
final class MqttListener implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private MqttListener(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /**
   * Listens on {@code address:port} (0 = a free port). Registrations run on {@code executor}, never
   * on Netty's event loop: a custom allocation webhook may take seconds.
   */
  static MqttListener start(
      InetAddress address,
      int port,
      SSLContext sslContext,
      Registrations registrations,
      Faults faults,
      Executor executor,
      int maxMessageBytes,
      Clock clock)
      throws InterruptedException {
    EventLoopGroup boss =
        new NioEventLoopGroup(1, new DefaultThreadFactory("dps-mqtt-accept", true));
    EventLoopGroup workers =
        new NioEventLoopGroup(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            new DefaultThreadFactory("dps-mqtt-io", true));
    try {
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
                      SSLEngine engine = sslContext.createSSLEngine();
                      engine.setUseClientMode(false);
                      engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                      engine.setWantClientAuth(true);
                      SslHandler tls = new SslHandler(engine);
                      ch.pipeline()
                          .addLast("tls", tls)
                          .addLast("decoder", new MqttDecoder(maxMessageBytes))
                          .addLast("encoder", MqttEncoder.INSTANCE)
                          .addLast(
                              "dps",
                              new MqttConnection(tls, registrations, faults, executor, clock));
                    }
                  });
      ChannelFuture bound = bootstrap.bind(new InetSocketAddress(address, port)).await();
      if (!bound.isSuccess()) {
        throw new UncheckedIOException(
            new IOException(
                "Could not listen for MQTT on " + address.getHostAddress() + ":" + port,
                bound.cause()));
      }
      return new MqttListener(boss, workers, bound.channel());
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The bound port. */
  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
