package io.dpsoperator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.Sas;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The emulator's own capacity, so that it never bounds another benchmark: 16 client threads over
 * HTTPS (keep-alive, one connection per thread), service operations per second and device
 * registrations per second, with p50 and p99 per request. The load generator only speaks HTTPS, so
 * it measures whatever server sits behind the port. A third phase registers each device on a new
 * TLS connection (handshake, register, poll, close). Run with {@code mvn -Pbench test
 * -Dtest=EmulatorCapacityBenchmark}; knobs {@code bench.threads} (16), {@code bench.seconds} (15).
 *
 * <p>Target (issue #14): 100 times one DPS unit (1,000 operations and 1,000 registrations per
 * minute, so 1,700 per second each), p99 under 50 ms.
 */
@Tag("bench")
class EmulatorCapacityBenchmark {
  private static final int THREADS = Integer.getInteger("bench.threads", 16);
  private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
  private static final double TARGET_PER_SECOND = 1_700;
  private static final double TARGET_P99_MS = 50;
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "?api-version=2021-10-01";

  /**
   * Figures of one phase.
   *
   * @param serverCpuNanos CPU time of the emulator's threads (its HTTP dispatcher and workers)
   * @param processCpuNanos CPU time of the whole JVM (emulator and load generator)
   */
  record Result(
      String name,
      long units,
      double seconds,
      long[] latenciesNanos,
      long serverCpuNanos,
      long processCpuNanos) {
    double perSecond() {
      return units / seconds;
    }

    double percentileMs(double p) {
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }

    /** Units per second the emulator alone could serve on {@code cores} cores of its own. */
    double perSecondOnCores(int cores) {
      return cores * 1e9 / (serverCpuNanos / (double) units);
    }

    void print() {
      System.out.printf(
          "BENCH emulator %s: %d in %.1f s = %.0f/s; %d requests, p50 %.1f ms, p99 %.1f ms"
              + " (threads=%d, cores=%d)%n",
          name,
          units,
          seconds,
          perSecond(),
          latenciesNanos.length,
          percentileMs(50),
          percentileMs(99),
          THREADS,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "BENCH emulator %s CPU: emulator %.0f us per unit, whole JVM %.0f us per unit;"
              + " CPU used %.2f of %d cores; the emulator alone on 2 cores of its own: %.0f/s%n",
          name,
          serverCpuNanos / 1e3 / units,
          processCpuNanos / 1e3 / units,
          processCpuNanos / 1e9 / seconds,
          Runtime.getRuntime().availableProcessors(),
          perSecondOnCores(2));
    }
  }

  /** One unit of work of a thread, timing each request it makes. */
  interface Unit {
    void run(int thread, int n, Timer timer) throws IOException;
  }

  /** Records request latencies of one thread. */
  static final class Timer {
    long[] nanos = new long[1 << 16];
    int size;

    /** Sends a request, reads the whole answer and records how long it took. */
    Answer call(OkHttpClient http, Request request) throws IOException {
      long start = System.nanoTime();
      Answer answer;
      try (Response r = http.newCall(request).execute()) {
        answer = new Answer(r.code(), r.body().string());
      }
      long took = System.nanoTime() - start;
      if (size == nanos.length) {
        nanos = Arrays.copyOf(nanos, size * 2);
      }
      nanos[size++] = took;
      return answer;
    }
  }

  /** An answer's status and body. */
  record Answer(int code, String body) {
    String field(String name) throws IOException {
      return JSON.readTree(body).path(name).asText(null);
    }
  }

  @Test
  void serviceOperationsAndDeviceRegistrationsOverHttps() throws Exception {
    // The emulator logs each write at INFO (and more at DEBUG in tests); under surefire every
    // line is shipped to the Maven process, which would measure the test harness, not the server.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.dpsoperator.emulator"))
        .setLevel(
            ch.qos.logback.classic.Level.toLevel(
                System.getProperty("bench.emulatorLogLevel", "WARN")));
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .adminPort(-1)
            .threads(Integer.getInteger("bench.serverThreads", 16))
            .build()
            .start()) {
      OkHttpClient http = client(dps);
      String base = "https://" + dps.hostName();
      String cs = dps.serviceConnectionString();
      String policy = part(cs, "SharedAccessKeyName");
      String key = part(cs, "SharedAccessKey");
      long expiry = Instant.now().plusSeconds(3600).getEpochSecond();
      String token = Sas.serviceToken(dps.hostName(), key, policy, expiry);

      // Warm-up (JIT, TLS session caches) not counted.
      run("warm-up", http, Duration.ofSeconds(3), serviceCycle(http, base, token, "warm"));

      // Service: each unit is one request; a thread cycles create, read, update, query, delete.
      Result service = run("service operations", http, RUN, serviceCycle(http, base, token, "s"));
      service.print();

      // Devices: a symmetric-key group; each unit is a register call and the operation poll
      // that reports the assignment.
      String body =
          "{\"enrollmentGroupId\":\"bench-group\",\"attestation\":{\"type\":\"symmetricKey\"}}";
      JsonNode group;
      try (Response r =
          http.newCall(
                  new Request.Builder()
                      .url(base + "/enrollmentGroups/bench-group" + API)
                      .header("Authorization", token)
                      .put(RequestBody.create(body, JSON_TYPE))
                      .build())
              .execute()) {
        group = JSON.readTree(r.body().string());
      }
      String groupKey = group.at("/attestation/symmetricKey/primaryKey").asText();
      AtomicInteger failures = new AtomicInteger();
      Result devices =
          run(
              "device registrations",
              http,
              RUN,
              (thread, n, timer) ->
                  registerAndPoll(
                      dps, http, base, groupKey, expiry, "dev-", thread, n, timer, failures));
      devices.print();
      // A device's connection per registration, as devices that boot, register and go: a client
      // (sharing the first one's threads) with a TLS context of its own (an empty session cache,
      // so a full handshake) and a pool emptied after the registration.
      X509TrustManager trust = trustManager(dps);
      Result newConnections =
          run(
              "device registrations, a new TLS connection each",
              http,
              RUN,
              (thread, n, timer) -> {
                ConnectionPool pool = new ConnectionPool(1, 1, TimeUnit.SECONDS);
                OkHttpClient device;
                try {
                  SSLContext fresh = SSLContext.getInstance("TLS");
                  fresh.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
                  device =
                      http.newBuilder()
                          .sslSocketFactory(fresh.getSocketFactory(), trust)
                          .connectionPool(pool)
                          .build();
                } catch (java.security.GeneralSecurityException e) {
                  throw new IOException(e);
                }
                registerAndPoll(
                    dps, device, base, groupKey, expiry, "new-", thread, n, timer, failures);
                pool.evictAll();
              });
      newConnections.print();
      assertThat(failures.get()).isZero();
      System.out.printf(
          "BENCH emulator on its own 2 cores (from its CPU time): service %.0f/s, registrations"
              + " %.0f/s, registrations on new TLS connections %.0f/s%n",
          service.perSecondOnCores(2),
          devices.perSecondOnCores(2),
          newConnections.perSecondOnCores(2));
      System.out.printf(
          "BENCH emulator target: %.0f/s each, p99 < %.0f ms: service %s, registrations %s%n",
          TARGET_PER_SECOND,
          TARGET_P99_MS,
          service.perSecond() >= TARGET_PER_SECOND && service.percentileMs(99) < TARGET_P99_MS
              ? "met"
              : "NOT met",
          devices.perSecond() >= TARGET_PER_SECOND && devices.percentileMs(99) < TARGET_P99_MS
              ? "met"
              : "NOT met");
    }
  }

  /** One registration of a new group member: the register call and the polls until assigned. */
  private static void registerAndPoll(
      DpsEmulator dps,
      OkHttpClient http,
      String base,
      String groupKey,
      long expiry,
      String prefix,
      int thread,
      int n,
      Timer timer,
      AtomicInteger failures)
      throws IOException {
    String id = prefix + thread + "-" + n;
    String deviceToken =
        Sas.deviceToken(dps.idScope(), id, Sas.deriveDeviceKey(groupKey, id), expiry);
    String path = base + "/" + dps.idScope() + "/registrations/" + id;
    Answer registered =
        timer.call(
            http,
            new Request.Builder()
                .url(path + "/register" + API)
                .header("Authorization", deviceToken)
                .put(RequestBody.create("{\"registrationId\":\"" + id + "\"}", JSON_TYPE))
                .build());
    if (registered.code() != 202) {
      failures.incrementAndGet();
      return;
    }
    String operationId = registered.field("operationId");
    String status;
    do {
      Answer poll =
          timer.call(
              http,
              new Request.Builder()
                  .url(path + "/operations/" + operationId + API)
                  .header("Authorization", deviceToken)
                  .get()
                  .build());
      status = poll.code() == 202 ? "assigning" : poll.field("status");
    } while (status.equals("assigning"));
    if (!"assigned".equals(status)) {
      failures.incrementAndGet();
    }
  }

  private static Unit serviceCycle(OkHttpClient http, String base, String token, String prefix) {
    return (thread, n, timer) -> {
      String id = prefix + "-" + thread + "-" + (n / 5);
      String url = base + "/enrollments/" + id + API;
      Request.Builder b = new Request.Builder().header("Authorization", token);
      Request request =
          switch (n % 5) {
            case 0 ->
                b.url(url)
                    .put(
                        RequestBody.create(
                            "{\"registrationId\":\""
                                + id
                                + "\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                            JSON_TYPE))
                    .build();
            case 1 -> b.url(url).get().build();
            case 2 ->
                b.url(url)
                    .header("If-Match", "*")
                    .put(
                        RequestBody.create(
                            "{\"registrationId\":\""
                                + id
                                + "\",\"attestation\":{\"type\":\"symmetricKey\"},"
                                + "\"provisioningStatus\":\"disabled\"}",
                            JSON_TYPE))
                    .build();
            case 3 ->
                b.url(base + "/enrollments/query" + API)
                    .header("x-ms-max-item-count", "10")
                    .post(RequestBody.create("{\"query\":\"SELECT *\"}", JSON_TYPE))
                    .build();
            default -> b.url(url).delete().build();
          };
      Answer a = timer.call(http, request);
      if (a.code() >= 300) {
        throw new IOException("HTTP " + a.code() + " for " + request.method() + " " + id);
      }
    };
  }

  private static Result run(String name, OkHttpClient http, Duration length, Unit unit)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    long[] deadline = new long[1];
    List<Future<Timer>> futures = new ArrayList<>();
    AtomicInteger units = new AtomicInteger();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                Timer timer = new Timer();
                go.await();
                int n = 0;
                while (System.nanoTime() < deadline[0]) {
                  unit.run(thread, n++, timer);
                  units.incrementAndGet();
                }
                return timer;
              }));
    }
    EmulatorCpu cpu = EmulatorCpu.start();
    long start = System.nanoTime();
    deadline[0] = start + length.toNanos();
    go.countDown();
    List<long[]> all = new ArrayList<>();
    int total = 0;
    for (Future<Timer> f : futures) {
      Timer t = f.get();
      all.add(Arrays.copyOf(t.nanos, t.size));
      total += t.size;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long processCpuNanos = cpu.processNanos();
    long serverCpuNanos = cpu.emulatorNanos();
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    long[] merged = new long[total];
    int at = 0;
    for (long[] a : all) {
      System.arraycopy(a, 0, merged, at, a.length);
      at += a.length;
    }
    return new Result(name, units.get(), seconds, merged, serverCpuNanos, processCpuNanos);
  }

  private static OkHttpClient client(DpsEmulator dps) throws Exception {
    SSLContext ssl = dps.clientSslContext();
    return new OkHttpClient.Builder()
        .sslSocketFactory(ssl.getSocketFactory(), trustManager(dps))
        .connectionPool(new ConnectionPool(THREADS * 2, 5, TimeUnit.MINUTES))
        .dispatcher(dispatcher())
        .build();
  }

  /** A trust manager for the emulator's CA. */
  private static X509TrustManager trustManager(DpsEmulator dps) throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry(
        "ca",
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(
                    dps.caCertificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  private static okhttp3.Dispatcher dispatcher() {
    okhttp3.Dispatcher d = new okhttp3.Dispatcher();
    d.setMaxRequests(THREADS * 2);
    d.setMaxRequestsPerHost(THREADS * 2);
    return d;
  }

  private static String part(String cs, String name) {
    for (String p : cs.split(";")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    throw new IllegalArgumentException(name);
  }
}
