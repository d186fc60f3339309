package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.bench.EmulatorCpu;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Registrations per second over MQTT, with the client on the same machine (so the figures are for
 * client and emulator sharing the cores): {@code mvn -Pbench test
 * -Dtest=MqttRegistrationBenchmark}. Devices are group members with derived keys; a registration is
 * a register request and one operation-status poll (assignment is immediate). Two shapes: devices
 * that stay connected and register again and again (the emulator's request path), and devices that
 * each open a TLS connection, connect, subscribe, register, poll and disconnect (the whole device
 * path).
 */
@Tag("bench")
class MqttRegistrationBenchmark {
  private static final int CONNECTED_DEVICES = 32;
  private static final int LIFECYCLE_THREADS = 16;
  private static final Duration WARM_UP =
      Duration.ofSeconds(Integer.getInteger("bench.warmUpSeconds", 3));
  private static final Duration MEASURE =
      Duration.ofSeconds(Integer.getInteger("bench.seconds", 10));

  /** One device's connection: answers and acks arrive in {@link #inbox} in order. */
  static final class Device implements AutoCloseable {
    final Channel channel;
    final BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();
    int rid;

    Device(EventLoopGroup group, DpsEmulator dps, SSLContext tls, String registrationId, String key)
        throws Exception {
      Device self = this;
      channel =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      // No peer host and port: the JDK's client session cache is keyed by them, so
                      // every connection makes a full handshake, as a device that boots does.
                      SSLEngine engine = tls.createSSLEngine();
                      engine.setUseClientMode(true);
                      ch.pipeline()
                          .addLast(new SslHandler(engine))
                          .addLast(new MqttDecoder())
                          .addLast(MqttEncoder.INSTANCE)
                          .addLast(
                              new SimpleChannelInboundHandler<MqttMessage>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, MqttMessage msg) {
                                  if (msg instanceof MqttPublishMessage p) {
                                    p.retain();
                                  }
                                  self.inbox.add(msg);
                                }
                              });
                    }
                  })
              .connect("127.0.0.1", dps.mqttPort())
              .sync()
              .channel();
      String token =
          Sas.deviceToken(
              dps.idScope(), registrationId, key, Instant.now().plusSeconds(3600).getEpochSecond());
      channel.writeAndFlush(
          MqttMessageBuilders.connect()
              .clientId(registrationId)
              .protocolVersion(io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1)
              .username(
                  dps.idScope()
                      + "/registrations/"
                      + registrationId
                      + "/api-version=2019-03-31&ClientVersion=bench")
              .password(token.getBytes(StandardCharsets.UTF_8))
              .keepAlive(60)
              .build());
      MqttConnAckMessage ack = (MqttConnAckMessage) take();
      assertThat(ack.variableHeader().connectReturnCode())
          .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
      channel.writeAndFlush(
          MqttMessageBuilders.subscribe()
              .messageId(1)
              .addSubscription(MqttQoS.AT_LEAST_ONCE, "$dps/registrations/res/#")
              .build());
      take(); // SUBACK
    }

    MqttMessage take() throws InterruptedException {
      MqttMessage m = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("answer within 10 s").isNotNull();
      return m;
    }

    /** Publishes a request and returns the answer's topic and body. */
    String[] request(String topic, String body) throws InterruptedException {
      channel.writeAndFlush(
          MqttMessageBuilders.publish()
              .topicName(topic)
              .qos(MqttQoS.AT_MOST_ONCE)
              .payload(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8))
              .build());
      MqttPublishMessage answer = (MqttPublishMessage) take();
      try {
        return new String[] {
          answer.variableHeader().topicName(),
          new String(ByteBufUtil.getBytes(answer.payload()), StandardCharsets.UTF_8)
        };
      } finally {
        answer.release();
      }
    }

    /** Register and one poll; returns the latencies of both requests in nanoseconds. */
    long[] register(String registrationId) throws Exception {
      long t0 = System.nanoTime();
      String[] registered =
          request(
              "$dps/registrations/PUT/iotdps-register/?$rid=" + (++rid),
              "{\"registrationId\":\"" + registrationId + "\"}");
      long t1 = System.nanoTime();
      assertThat(registered[0]).startsWith("$dps/registrations/res/202/");
      String operationId = TestClient.JSON.readTree(registered[1]).get("operationId").asText();
      String[] status =
          request(
              "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="
                  + (++rid)
                  + "&operationId="
                  + operationId,
              "");
      long t2 = System.nanoTime();
      assertThat(status[0]).startsWith("$dps/registrations/res/200/");
      return new long[] {t1 - t0, t2 - t1};
    }

    @Override
    public void close() {
      channel.writeAndFlush(MqttMessage.DISCONNECT);
      channel.close().syncUninterruptibly();
    }
  }

  /** Latencies recorded by one worker during the measured window. */
  static final class Samples {
    final List<Long> requests = new ArrayList<>();
    final List<Long> registrations = new ArrayList<>();
  }

  /** CPU time over the measured window: the emulator's threads and the whole JVM. */
  record Cpu(long emulatorNanos, long processNanos) {}

  /** What one phase measured. */
  record Phase(List<Samples> samples, Cpu cpu) {}

  @Test
  void registrationsPerSecond() throws Exception {
    // The emulator logs each connection at DEBUG in tests; under surefire every line is shipped to
    // the Maven process, which would measure the test harness, not the server.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.dpsoperator.emulator"))
        .setLevel(
            ch.qos.logback.classic.Level.toLevel(
                System.getProperty("bench.emulatorLogLevel", "WARN")));
    EventLoopGroup clients = new NioEventLoopGroup(2);
    try (DpsEmulator dps = DpsEmulator.builder().build().start()) {
      TestClient service = new TestClient(dps);
      SSLContext tls = dps.clientSslContext();
      String groupKey =
          service
              .service(
                  "PUT",
                  "/enrollmentGroups/bench",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();

      report(
          "connected devices",
          CONNECTED_DEVICES,
          run(
              CONNECTED_DEVICES,
              i -> {
                String id = "bench-dev-" + i;
                Device d = new Device(clients, dps, tls, id, Sas.deriveDeviceKey(groupKey, id));
                return (samples, measuring) -> {
                  try (d) {
                    while (!Thread.currentThread().isInterrupted() && !stopped.get()) {
                      long[] lat = d.register(id);
                      if (measuring.get()) {
                        samples.requests.add(lat[0]);
                        samples.requests.add(lat[1]);
                        samples.registrations.add(lat[0] + lat[1]);
                      }
                    }
                  }
                };
              }));

      report(
          "connect-register-disconnect",
          LIFECYCLE_THREADS,
          run(
              LIFECYCLE_THREADS,
              i ->
                  (samples, measuring) -> {
                    int n = 0;
                    while (!Thread.currentThread().isInterrupted() && !stopped.get()) {
                      String id = "bench-life-" + i + "-" + (n++);
                      long t0 = System.nanoTime();
                      try (Device d =
                          new Device(clients, dps, tls, id, Sas.deriveDeviceKey(groupKey, id))) {
                        d.register(id);
                      }
                      if (measuring.get()) {
                        samples.registrations.add(System.nanoTime() - t0);
                      }
                    }
                  }));
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  interface Worker {
    void run(Samples samples, AtomicBoolean measuring) throws Exception;
  }

  interface WorkerFactory {
    Worker create(int index) throws Exception;
  }

  private final AtomicBoolean stopped = new AtomicBoolean();

  private Phase run(int threads, WorkerFactory factory) throws Exception {
    stopped.set(false);
    AtomicBoolean measuring = new AtomicBoolean();
    List<Samples> all = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      Samples samples = new Samples();
      all.add(samples);
      Worker w = factory.create(i);
      Thread t =
          new Thread(
              () -> {
                try {
                  w.run(samples, measuring);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                } finally {
                  done.countDown();
                }
              });
      workers.add(t);
      t.start();
    }
    Thread.sleep(WARM_UP.toMillis()); // a benchmark's fixed phases, not a wait for a condition
    EmulatorCpu measured = EmulatorCpu.start();
    measuring.set(true);
    Thread.sleep(MEASURE.toMillis());
    measuring.set(false);
    Cpu cpu = new Cpu(measured.emulatorNanos(), measured.processNanos());
    stopped.set(true);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    return new Phase(all, cpu);
  }

  private static void report(String shape, int concurrency, Phase phase) {
    List<Samples> all = phase.samples();
    long[] registrations =
        all.stream().flatMap(s -> s.registrations.stream()).mapToLong(Long::longValue).toArray();
    long[] requests =
        all.stream().flatMap(s -> s.requests.stream()).mapToLong(Long::longValue).toArray();
    Arrays.sort(registrations);
    Arrays.sort(requests);
    System.out.printf(
        "MQTT %s (concurrency %d, %d cores): %.0f registrations/s; registration p50 %.1f ms p99"
            + " %.1f ms%s%n",
        shape,
        concurrency,
        Runtime.getRuntime().availableProcessors(),
        registrations.length / (double) MEASURE.toSeconds(),
        percentile(registrations, 0.50),
        percentile(registrations, 0.99),
        requests.length == 0
            ? ""
            : String.format(
                "; request p50 %.1f ms p99 %.1f ms",
                percentile(requests, 0.50), percentile(requests, 0.99)));
    assertThat(registrations).isNotEmpty();
    double emulatorUs = phase.cpu().emulatorNanos() / 1e3 / registrations.length;
    System.out.printf(
        "MQTT %s CPU per registration: emulator %.0f us, load generator and rest of the JVM %.0f"
            + " us; CPU used %.2f cores; the emulator alone on 2 cores of its own: %.0f/s%n",
        shape,
        emulatorUs,
        (phase.cpu().processNanos() - phase.cpu().emulatorNanos()) / 1e3 / registrations.length,
        phase.cpu().processNanos() / 1e9 / MEASURE.toSeconds(),
        2e6 / emulatorUs);
  }

  private static double percentile(long[] sortedNanos, double q) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, i)] / 1e6;
  }
}
