package io.dpsoperator.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.dps.IfMatch;
import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.dps.model.ProvisioningStatus;
import io.dpsoperator.operator.inventory.DpsInventory.Absent;
import io.dpsoperator.operator.inventory.DpsInventory.Known;
import io.dpsoperator.operator.inventory.DpsInventory.Origin;
import io.dpsoperator.operator.inventory.DpsInventory.Unknown;
import io.dpsoperator.operator.inventory.DpsInventory.Written;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DpsInventoryTest {
  static EmulatedDps dps;
  static final ResourceID A = new ResourceID("a", "ns");
  static final ResourceID B = new ResourceID("b", "ns");
  static final ResourceID C = new ResourceID("c", "ns");
  static final ResourceID D = new ResourceID("d", "ns");

  final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
  final List<ResourceID> triggered = new CopyOnWriteArrayList<>();
  DpsInventory<IndividualEnrollment> inventory;

  @BeforeAll
  static void start() {
    dps = new EmulatedDps();
    dps.createEnrollments("inv", 250);
  }

  @AfterAll
  static void stop() {
    dps.close();
  }

  @BeforeEach
  void newInventory() {
    inventory =
        new DpsInventory<>(
            "test", dps.client, RemoteRecords.INDIVIDUAL, 100, executor, triggered::add);
  }

  @AfterEach
  void closeInventory() {
    inventory.close();
    executor.shutdownNow();
    dps.emulator.faults().clear();
  }

  private void sweep() {
    long before = inventory.stats().sweeps() + inventory.stats().failedSweeps();
    inventory.requestSweep();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> inventory.stats().sweeps() + inventory.stats().failedSweeps() > before);
  }

  @Test
  void sweepsByPagesAndKeepsOnlyClaimedIds() {
    inventory.claim("INV-000007", A); // ids are case-insensitive
    inventory.claim("inv-000249", B);
    inventory.claim("inv-missing", C);
    assertThat(inventory.lookup("inv-000007")).isInstanceOf(Unknown.class);
    long queries = dps.calls("queryIndividualEnrollments");

    sweep();

    assertThat(dps.calls("queryIndividualEnrollments") - queries).isEqualTo(3);
    DpsInventory.Stats stats = inventory.stats();
    assertThat(stats.lastSweepPages()).isEqualTo(3);
    assertThat(stats.claimed()).isEqualTo(3);
    assertThat(stats.kept()).isEqualTo(2);
    assertThat(stats.unclaimed()).isGreaterThanOrEqualTo(248);
    assertThat(stats.lastFailure()).isEmpty();

    IndividualEnrollment held = dps.client.getIndividualEnrollment("inv-000007");
    Known<IndividualEnrollment> known =
        (Known<IndividualEnrollment>) inventory.lookup("Inv-000007");
    assertThat(known.snapshot().etag()).isEqualTo(held.etag());
    assertThat(known.snapshot().lastUpdated()).isEqualTo(held.lastUpdatedDateTimeUtc());
    assertThat(known.snapshot().origin()).isEqualTo(Origin.SWEPT);
    assertThat(known.snapshot().record().attestation().symmetricKey().primaryKey()).isNull();
    assertThat(known.snapshot().registrationState()).isNull(); // queries carry none
    assertThat(inventory.lookup("inv-missing")).isInstanceOf(Absent.class);
    assertThat(inventory.lookup("inv-000100")).isInstanceOf(Unknown.class); // nobody claims it
    // Unknown -> known or absent triggers each claimant once
    assertThat(triggered).containsExactlyInAnyOrder(A, B, C);
  }

  @Test
  void outOfBandChangesTriggerOnlyTheirClaimants() {
    dps.createEnrollments("oob", 3);
    inventory.claim("oob-000000", A);
    inventory.claim("oob-000001", B);
    inventory.claim("oob-000002", C);
    sweep();
    triggered.clear();

    IndividualEnrollment changed = dps.client.getIndividualEnrollment("oob-000000");
    dps.client.createOrUpdateIndividualEnrollment(
        changed.toBuilder().provisioningStatus(ProvisioningStatus.DISABLED).build(),
        IfMatch.etag(changed.etag()));
    dps.client.deleteIndividualEnrollment("oob-000001", IfMatch.absent());
    sweep();

    assertThat(triggered).containsExactlyInAnyOrder(A, B);
    Known<IndividualEnrollment> a = (Known<IndividualEnrollment>) inventory.lookup("oob-000000");
    assertThat(a.snapshot().origin()).isEqualTo(Origin.OUT_OF_BAND);
    assertThat(a.snapshot().etag()).isNotEqualTo(changed.etag());
    assertThat(a.snapshot().record().provisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
    assertThat(inventory.lookup("oob-000001")).isInstanceOf(Absent.class);

    triggered.clear();
    sweep(); // nothing changed: nothing triggered
    assertThat(triggered).isEmpty();
  }

  @Test
  void ownWritesAreToldApartFromChangesOutOfBand() {
    dps.createEnrollments("own", 1);
    inventory.claim("own-000000", A);
    sweep();
    triggered.clear();

    IndividualEnrollment before = dps.client.getIndividualEnrollment("own-000000");
    dps.client.createOrUpdateIndividualEnrollment(
        before.toBuilder().provisioningStatus(ProvisioningStatus.DISABLED).build(),
        IfMatch.etag(before.etag()));
    inventory.noteWritten("OWN-000000");
    Written<IndividualEnrollment> written =
        (Written<IndividualEnrollment>) inventory.lookup("own-000000");
    assertThat(written.write()).isEqualTo(DpsInventory.Write.WRITTEN);
    assertThat(written.before().orElseThrow().etag()).isEqualTo(before.etag());

    sweep();
    Known<IndividualEnrollment> after =
        (Known<IndividualEnrollment>) inventory.lookup("own-000000");
    assertThat(after.snapshot().origin()).isEqualTo(Origin.OWN_WRITE);
    assertThat(after.snapshot().etag())
        .isEqualTo(dps.client.getIndividualEnrollment("own-000000").etag());
    assertThat(triggered).containsExactly(A); // the etag is learned: the claimant is told

    dps.client.deleteIndividualEnrollment("own-000000", IfMatch.absent());
    inventory.noteDeleted("own-000000");
    assertThat(inventory.lookup("own-000000")).isInstanceOf(Written.class);
    sweep();
    assertThat(inventory.lookup("own-000000")).isInstanceOf(Absent.class);
  }

  @Test
  void aFailedSweepKeepsTheSnapshotAndReportsTheFailure() {
    inventory.claim("inv-000001", A);
    inventory.claim("inv-000002", B);
    sweep();
    triggered.clear();
    String etag = ((Known<IndividualEnrollment>) inventory.lookup("inv-000001")).snapshot().etag();

    dps.emulator.faults().failureRate(503, 1.0);
    sweep();

    DpsInventory.Stats stats = inventory.stats();
    assertThat(stats.failedSweeps()).isEqualTo(1);
    assertThat(stats.lastFailure()).hasValueSatisfying(m -> assertThat(m).contains("503"));
    assertThat(((Known<IndividualEnrollment>) inventory.lookup("inv-000001")).snapshot().etag())
        .isEqualTo(etag);
    assertThat(inventory.lookup("inv-000002")).isInstanceOf(Known.class);
    assertThat(triggered).isEmpty();

    dps.emulator.faults().clear();
    sweep();
    assertThat(inventory.stats().lastFailure()).isEmpty();
    assertThat(triggered).isEmpty();
  }

  @Test
  void requestsDuringASweepAreCoalescedIntoOneMoreSweep() {
    inventory.claim("inv-000003", A);
    dps.emulator.faults().latency(Duration.ofMillis(100)); // a sweep of 3 pages takes >= 300 ms
    for (int i = 0; i < 20; i++) {
      inventory.requestSweep();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> inventory.stats().sweeps() >= 2);
    dps.emulator.faults().clear();
    inventory.requestSweep();
    await().atMost(Duration.ofSeconds(10)).until(() -> inventory.stats().sweeps() >= 3);
    assertThat(inventory.stats().sweeps()).isEqualTo(3);
    assertThat(inventory.stats().pages()).isEqualTo(9);
  }

  @Test
  void releasedIdsAreForgotten() {
    inventory.claim("inv-000004", A);
    inventory.claim("inv-000004", B);
    inventory.claim("inv-000005", D);
    inventory.claim("inv-000006", D); // a resource claims one id: the new one
    sweep();
    assertThat(Set.copyOf(triggered)).containsExactlyInAnyOrder(A, B, D);
    assertThat(inventory.stats().claimed()).isEqualTo(3);
    assertThat(inventory.lookup("inv-000005")).isInstanceOf(Unknown.class);
    inventory.release(A);
    assertThat(inventory.lookup("inv-000004")).isInstanceOf(Known.class);
    inventory.release(B);
    assertThat(inventory.lookup("inv-000004")).isInstanceOf(Unknown.class);
    assertThat(inventory.stats().kept()).isEqualTo(1);
  }
}
