package io.dpsoperator.bench;

import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientTooManyRequestsException;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.emulator.ServiceRequestCounts;
import io.dpsoperator.operator.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * What a user without the operator runs: the official service SDK (provisioning-service-client
 * 2.0.3) creating N individual enrollments with symmetric keys it generates itself, 10 per bulk
 * operation, one call at a time, retrying a 429 after the one second the emulator's Retry-After
 * asks for.
 *
 * <p>The SDK only talks to port 443 and validates the host name without a port, so the emulator
 * listens on 443 of a loopback address of its own (not 127.0.0.1, which {@code
 * OfficialSdkCompatibilityTest} may hold at the same moment) and is named by that address.
 */
final class SdkBulkScript {
  static final int BATCH = 10;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** What the script cost: wall time and the emulator's count of service requests by kind. */
  record Result(
      int enrollments,
      Duration time,
      Map<ServiceRequestCounts.Kind, Long> calls,
      long operations,
      int retries) {}

  private SdkBulkScript() {}

  static Result run(int enrollments, int quotaPerMinute) throws Exception {
    SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
    try (DpsEmulator dps = startOn443(quotaPerMinute)) {
      HttpsURLConnection.setDefaultSSLSocketFactory(dps.clientSslContext().getSocketFactory());
      ProvisioningServiceClient service =
          new ProvisioningServiceClient(dps.serviceConnectionString());
      AtomicInteger retries = new AtomicInteger();
      // Warm up the SDK (class loading, TLS) with one read, not counted in the figures.
      try {
        service.getIndividualEnrollment("warm-up");
      } catch (ProvisioningServiceClientNotFoundException expected) {
        // nothing there, as intended
      }
      Map<ServiceRequestCounts.Kind, Long> warmUp = dps.serviceRequests().snapshot();
      long start = System.nanoTime();
      for (int from = 0; from < enrollments; from += BATCH) {
        List<IndividualEnrollment> batch = new ArrayList<>();
        for (int i = from; i < Math.min(enrollments, from + BATCH); i++) {
          batch.add(
              new IndividualEnrollment(
                  "sdk-" + i,
                  new SymmetricKeyAttestation(Fixtures.randomKey(), Fixtures.randomKey())));
        }
        BulkEnrollmentOperationResult result = createWithRetry(service, batch, retries);
        if (!result.getSuccessful()) {
          throw new IllegalStateException(
              "Bulk create failed at enrollment " + from + ": " + result.getErrors().size());
        }
      }
      Duration time = Duration.ofNanos(System.nanoTime() - start);
      Map<ServiceRequestCounts.Kind, Long> calls = new EnumMap<>(ServiceRequestCounts.Kind.class);
      dps.serviceRequests()
          .snapshot()
          .forEach((k, v) -> calls.put(k, v - warmUp.getOrDefault(k, 0L)));
      long operations =
          calls.entrySet().stream()
              .filter(e -> e.getKey() != ServiceRequestCounts.Kind.THROTTLED)
              .mapToLong(Map.Entry::getValue)
              .sum();
      return new Result(enrollments, time, calls, operations, retries.get());
    } finally {
      HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
  }

  private static BulkEnrollmentOperationResult createWithRetry(
      ProvisioningServiceClient service, List<IndividualEnrollment> batch, AtomicInteger retries) {
    AtomicReference<BulkEnrollmentOperationResult> result = new AtomicReference<>();
    await()
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(RETRY_AFTER)
        .atMost(Duration.ofMinutes(30))
        .until(
            () -> {
              try {
                result.set(service.runBulkEnrollmentOperation(BulkOperationMode.CREATE, batch));
                return true;
              } catch (ProvisioningServiceClientTooManyRequestsException e) {
                retries.incrementAndGet();
                return false;
              }
            });
    return result.get();
  }

  private static DpsEmulator startOn443(int quotaPerMinute) {
    RuntimeException last = null;
    for (int i = 1; i <= 20; i++) {
      String address = "127.0.13." + i;
      try {
        return DpsEmulator.builder()
            .port(443)
            .bindAddress(address)
            .hostName(address)
            .serviceOperationsPerMinute(quotaPerMinute)
            .build()
            .start();
      } catch (RuntimeException e) {
        last = e; // the address is taken by another run: try the next one
      }
    }
    throw new IllegalStateException("No loopback address free on port 443", last);
  }
}
