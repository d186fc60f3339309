package io.dpsoperator.operator.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.dps.RemoteRecords;
import io.dpsoperator.dps.model.IndividualEnrollment;
import io.dpsoperator.emulator.DpsEmulator;
import io.dpsoperator.operator.inventory.EmulatedDps;
import io.dpsoperator.operator.writer.BulkWriter.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;

class BulkWriterTest {
  static final String HUB = "hub-a.azure-devices.net";
  static final String BULK = "runIndividualEnrollmentBulkOperation";
  static final AtomicInteger PREFIX = new AtomicInteger();

  static EmulatedDps dps;

  @BeforeContainer
  static void startJqwik() {
    dps = new EmulatedDps(b -> b.linkedHub(HUB, 1));
  }

  @AfterContainer
  static void stopJqwik() {
    dps.close();
  }

  private static EmulatedDps dps() {
    if (dps == null) {
      startJqwik();
    }
    return dps;
  }

  @org.junit.jupiter.api.AfterAll
  static void stop() {
    if (dps != null) {
      dps.close();
      dps = null;
    }
  }

  private static String prefix() {
    return "w" + PREFIX.incrementAndGet();
  }

  private static IndividualEnrollment invalid(String id) {
    return EmulatedDps.enrollment(id).toBuilder().iotHubs(List.of("not-linked.example")).build();
  }

  private static ItemResult await(CompletableFuture<ItemResult> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  @Test
  void eachItemOfABatchGetsItsOwnResult() throws Exception {
    EmulatedDps dps = dps();
    String p = prefix();
    dps.createEnrollments(p + "-old", 2);
    String existing = p + "-old-000000";
    String stale = p + "-old-000001";
    Map<String, Operation> applied = new ConcurrentHashMap<>();
    try (BulkWriter<IndividualEnrollment> writer =
        new BulkWriter<>(
            "test",
            dps.client,
            RemoteRecords.INDIVIDUAL,
            Duration.ofSeconds(2),
            1,
            (op, id) -> applied.put(id, op))) {
      long calls = dps.calls(BULK);
      List<CompletableFuture<ItemResult>> creates = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        creates.add(writer.create(EmulatedDps.enrollment(p + "-new-" + i)));
      }
      CompletableFuture<ItemResult> conflict = writer.create(EmulatedDps.enrollment(existing));
      CompletableFuture<ItemResult> bad = writer.create(invalid(p + "-bad"));
      for (CompletableFuture<ItemResult> f : creates) {
        assertThat(await(f)).isInstanceOf(ItemResult.Ok.class);
      }
      assertThat(await(conflict)).isInstanceOf(ItemResult.Conflict.class);
      assertThat(await(bad))
          .isInstanceOfSatisfying(
              ItemResult.Invalid.class, r -> assertThat(r.message()).contains("iotHubs"));
      assertThat(dps.calls(BULK) - calls).isEqualTo(1); // a full batch goes at once, as one call
      assertThat(applied).hasSize(8).doesNotContainKey(existing);

      IndividualEnrollment current = dps.client.getIndividualEnrollment(existing);
      CompletableFuture<ItemResult> update =
          writer.update(EmulatedDps.enrollment(existing), current.etag());
      CompletableFuture<ItemResult> preconditionFailed =
          writer.update(EmulatedDps.enrollment(stale), current.etag());
      CompletableFuture<ItemResult> gone = writer.delete(p + "-never");
      assertThat(await(update)).isInstanceOf(ItemResult.Ok.class);
      assertThat(await(preconditionFailed)).isInstanceOf(ItemResult.PreconditionFailed.class);
      assertThat(await(gone)).isInstanceOf(ItemResult.NotFound.class);
      assertThat(dps.client.getIndividualEnrollment(existing).etag()).isNotEqualTo(current.etag());
      assertThat(applied).containsEntry(existing, Operation.UPDATE);
    }
  }

  @Test
  void anUpdateIsNeverUnconditional() {
    try (BulkWriter<IndividualEnrollment> writer =
        BulkWriter.create("test", dps().client, RemoteRecords.INDIVIDUAL, (op, id) -> {})) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> writer.update(EmulatedDps.enrollment("x"), " "))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aThrottledBulkCallMakesItsItemsRetryable() throws Exception {
    try (EmulatedDps throttled = new EmulatedDps(b -> b.serviceOperationsPerMinute(1));
        BulkWriter<IndividualEnrollment> writer =
            BulkWriter.create("test", throttled.client, RemoteRecords.INDIVIDUAL, (op, id) -> {})) {
      assertThat(await(writer.create(EmulatedDps.enrollment("first"))))
          .isInstanceOf(ItemResult.Ok.class);
      List<CompletableFuture<ItemResult>> next =
          List.of(
              writer.create(EmulatedDps.enrollment("second")),
              writer.delete("first"),
              writer.create(EmulatedDps.enrollment("third")));
      for (CompletableFuture<ItemResult> f : next) {
        assertThat(await(f))
            .isInstanceOfSatisfying(
                ItemResult.Retryable.class, r -> assertThat(r.message()).contains("429"));
      }
    }
  }

  @Test
  void aLoneItemIsSentWithoutWaitingForOthers() throws Exception {
    EmulatedDps dps = dps();
    long calls = dps.calls(BULK);
    try (BulkWriter<IndividualEnrollment> writer =
        BulkWriter.create("test", dps.client, RemoteRecords.INDIVIDUAL, (op, id) -> {})) {
      assertThat(await(writer.create(EmulatedDps.enrollment(prefix() + "-lone"))))
          .isInstanceOf(ItemResult.Ok.class);
      assertThat(dps.calls(BULK) - calls).isEqualTo(1);
    }
  }

  @Test
  void concurrentSubmitsShareBulkCalls() throws Exception {
    EmulatedDps dps = dps();
    String p = prefix();
    ExecutorService pool = Executors.newFixedThreadPool(25);
    // A long linger makes the count independent of scheduling: full batches go at once, the
    // rest after the linger.
    try (BulkWriter<IndividualEnrollment> writer =
        new BulkWriter<>(
            "test", dps.client, RemoteRecords.INDIVIDUAL, Duration.ofSeconds(3), 2, (o, i) -> {})) {
      long calls = dps.calls(BULK);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<CompletableFuture<ItemResult>>> submitted = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String id = p + "-c" + i;
        submitted.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return writer.create(EmulatedDps.enrollment(id));
                },
                pool));
      }
      go.countDown();
      for (CompletableFuture<CompletableFuture<ItemResult>> s : submitted) {
        assertThat(await(s.get(20, TimeUnit.SECONDS))).isInstanceOf(ItemResult.Ok.class);
      }
      assertThat(dps.calls(BULK) - calls).isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeCompletesWhatWasNotSent() throws Exception {
    BulkWriter<IndividualEnrollment> writer =
        new BulkWriter<>(
            "test", dps().client, RemoteRecords.INDIVIDUAL, Duration.ofMinutes(1), 1, (o, i) -> {});
    CompletableFuture<ItemResult> waiting = writer.create(EmulatedDps.enrollment(prefix() + "-x"));
    writer.close();
    assertThat(await(waiting)).isInstanceOf(ItemResult.Retryable.class);
    assertThat(await(writer.create(EmulatedDps.enrollment("after"))))
        .isInstanceOf(ItemResult.Retryable.class);
  }

  // ---------------------------------------------------------------- property

  /** What an item is set up to meet in DPS. */
  enum Outcome {
    CREATED,
    CONFLICT,
    INVALID,
    UPDATED,
    STALE,
    DELETED,
    ALREADY_GONE
  }

  @Provide
  Arbitrary<List<Outcome>> outcomes() {
    return Arbitraries.of(Outcome.class).list().ofMinSize(1).ofMaxSize(24);
  }

  @Property(tries = 15)
  void everyFutureGetsItsOwnItemsOutcome(@ForAll("outcomes") List<Outcome> outcomes)
      throws Exception {
    EmulatedDps dps = dps();
    String p = prefix();
    int existing = 0;
    for (Outcome o : outcomes) {
      if (o == Outcome.CONFLICT
          || o == Outcome.UPDATED
          || o == Outcome.STALE
          || o == Outcome.DELETED) {
        existing++;
      }
    }
    if (existing > 0) {
      dps.createEnrollments(p, existing);
    }
    try (BulkWriter<IndividualEnrollment> writer =
        new BulkWriter<>(
            "prop", dps.client, RemoteRecords.INDIVIDUAL, Duration.ofMillis(20), 2, (o, i) -> {})) {
      List<CompletableFuture<ItemResult>> futures = new ArrayList<>();
      int n = 0;
      for (int i = 0; i < outcomes.size(); i++) {
        String fresh = p + "-fresh-" + i;
        futures.add(
            switch (outcomes.get(i)) {
              case CREATED -> writer.create(EmulatedDps.enrollment(fresh));
              case CONFLICT ->
                  writer.create(EmulatedDps.enrollment(String.format("%s-%06d", p, n++)));
              case INVALID -> writer.create(invalid(fresh));
              case UPDATED -> {
                String id = String.format("%s-%06d", p, n++);
                yield writer.update(
                    EmulatedDps.enrollment(id), dps.client.getIndividualEnrollment(id).etag());
              }
              case STALE ->
                  writer.update(
                      EmulatedDps.enrollment(String.format("%s-%06d", p, n++)), "\"stale\"");
              case DELETED -> writer.delete(String.format("%s-%06d", p, n++));
              case ALREADY_GONE -> writer.delete(fresh);
            });
      }
      for (int i = 0; i < outcomes.size(); i++) {
        Class<? extends ItemResult> expected =
            switch (outcomes.get(i)) {
              case CREATED, UPDATED, DELETED -> ItemResult.Ok.class;
              case CONFLICT -> ItemResult.Conflict.class;
              case INVALID -> ItemResult.Invalid.class;
              case STALE -> ItemResult.PreconditionFailed.class;
              case ALREADY_GONE -> ItemResult.NotFound.class;
            };
        assertThat(await(futures.get(i)))
            .as("item %d %s", i, outcomes.get(i))
            .isInstanceOf(expected);
      }
    }
  }

  static {
    // The emulator class is loaded first so that TCP_NODELAY applies to it (and this test is fast).
    DpsEmulator.enableTcpNoDelay();
  }
}
