package io.dpsoperator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.operator.inventory.DpsInventory;
import io.dpsoperator.operator.inventory.EmulatedDps;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The inventory against an emulator pre-loaded with records nobody claims: sweep time, DPS calls
 * and the heap the inventory keeps. Run with {@code mvn -Pbench test -Dtest=InventoryBenchmark}.
 */
@Tag("bench")
class InventoryBenchmark {
  private static final int RECORDS = Integer.getInteger("bench.records", 100_000);
  private static final int CLAIMED = Integer.getInteger("bench.claimed", 10_000);

  @Test
  void sweepOfUnclaimedRecords() throws Exception {
    try (EmulatedDps dps = new EmulatedDps()) {
      long loadStart = System.nanoTime();
      int threads = 4;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> loads = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = "bench" + t;
        loads.add(pool.submit(() -> dps.createEnrollments(prefix, RECORDS / threads)));
      }
      for (Future<?> f : loads) {
        f.get();
      }
      pool.shutdown();
      System.out.printf(
          "BENCH inventory: loaded %d records in %.1f s%n",
          RECORDS, (System.nanoTime() - loadStart) / 1e9);

      for (int pageSize : new int[] {100, 1000}) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        long heapBefore = usedHeapAfterGc();
        DpsInventory<IndividualEnrollment> inventory =
            new DpsInventory<>(
                "bench", dps.client, RemoteRecords.INDIVIDUAL, pageSize, executor, id -> {});
        long calls = dps.calls("queryIndividualEnrollments");
        inventory.requestSweep();
        await()
            .atMost(Duration.ofMinutes(10))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> inventory.stats().sweeps() + inventory.stats().failedSweeps() > 0);
        DpsInventory.Stats stats = inventory.stats();
        long heapAfter = usedHeapAfterGc();
        System.out.printf(
            "BENCH inventory: page size %d, %d unclaimed records: sweep %d ms, %d DPS calls,"
                + " heap delta %+d KiB (kept %d)%n",
            pageSize,
            stats.unclaimed(),
            stats.lastSweepDuration().toMillis(),
            dps.calls("queryIndividualEnrollments") - calls,
            (heapAfter - heapBefore) / 1024,
            stats.kept());
        assertThat(stats.unclaimed()).isEqualTo(RECORDS);
        assertThat(stats.lastSweepPages()).isEqualTo((RECORDS + pageSize - 1) / pageSize);

        // Now claim some of them: the heap kept per claimed record.
        for (int i = 0; i < CLAIMED; i++) {
          inventory.claim(
              String.format("bench%d-%06d", i % threads, i / threads),
              new ResourceID("r" + i, "ns"));
        }
        long before = inventory.stats().sweeps();
        inventory.requestSweep();
        await()
            .atMost(Duration.ofMinutes(10))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> inventory.stats().sweeps() > before);
        long heapClaimed = usedHeapAfterGc();
        System.out.printf(
            "BENCH inventory: page size %d, %d claimed of %d: sweep %d ms, heap delta %+d KiB"
                + " (%d bytes per kept record)%n",
            pageSize,
            inventory.stats().kept(),
            RECORDS,
            inventory.stats().lastSweepDuration().toMillis(),
            (heapClaimed - heapBefore) / 1024,
            (heapClaimed - heapBefore) / Math.max(1, inventory.stats().kept()));
        assertThat(inventory.stats().kept()).isEqualTo(CLAIMED);
        inventory.close();
        executor.shutdownNow();
      }
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
