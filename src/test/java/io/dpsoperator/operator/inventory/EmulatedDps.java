package io.dpsoperator.operator.inventory;

import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.DpsClientConfig;
import io.dpsoperator.dps.DpsClients;
import io.dpsoperator.dps.InstrumentedDpsClient;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.BulkOperationMode;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.emulator.DpsEmulator;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The DPS emulator over HTTPS with an instrumented client that counts the calls it makes. */
public final class EmulatedDps implements AutoCloseable {
  public final DpsEmulator emulator;
  public final DpsClient client;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  public EmulatedDps(Consumer<DpsEmulator.Builder> setup) {
    DpsEmulator.Builder b = DpsEmulator.builder();
    setup.accept(b);
    emulator = b.build().start();
    client =
        DpsClients.create(
            DpsClientConfig.builder(emulator.serviceConnectionString())
                .caBundlePem(emulator.caCertificatePem())
                .maxRetries(0)
                .operationsPerMinute(1_000_000)
                .build(),
            meters);
  }

  public EmulatedDps() {
    this(b -> {});
  }

  /** Calls made of one operation, e.g. {@code queryIndividualEnrollments}, whatever the outcome. */
  public long calls(String operation) {
    return meters.find(InstrumentedDpsClient.REQUESTS).tag("operation", operation).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  /** Symmetric-key enrollments with generated keys, created by bulk operations of 10. */
  public void createEnrollments(String prefix, int count) {
    List<IndividualEnrollment> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(enrollment(String.format("%s-%06d", prefix, i)));
      if (batch.size() == 10 || i == count - 1) {
        if (!client
            .runIndividualEnrollmentBulkOperation(BulkOperationMode.CREATE, batch)
            .isSuccessful()) {
          throw new IllegalStateException("could not create " + batch.get(0).registrationId());
        }
        batch = new ArrayList<>();
      }
    }
  }

  public static IndividualEnrollment enrollment(String id) {
    return IndividualEnrollment.builder(id)
        .attestation(AttestationMechanism.symmetricKey(null))
        .build();
  }

  @Override
  public void close() {
    client.close();
    emulator.close();
  }
}
