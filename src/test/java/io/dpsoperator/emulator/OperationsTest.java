package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operation ids: expiry by age and by count, and the snapshot a restart restores. */
class OperationsTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  static Registration assigned(String id) {
    return new Registration(
        id,
        "c",
        "hub",
        id,
        "assigned",
        "initialAssignment",
        null,
        null,
        "u",
        "e",
        null,
        null,
        List.of("hub"),
        null,
        null);
  }

  @Test
  void operationsExpireAfterTheTtlAndBeyondTheMaximum() {
    Operations ops = new Operations();
    Operations.Operation old = ops.start("a", T0, T0, assigned("a"));
    Operations.Operation recent =
        ops.start("b", T0.plus(Duration.ofMinutes(20)), T0.plus(Duration.ofMinutes(20)), null);
    assertThat(ops.get(old.id())).isNotNull();
    ops.expire(T0.plus(Operations.TTL).plusSeconds(1));
    assertThat(ops.get(old.id())).isNull();
    assertThat(ops.get(recent.id())).isNotNull();
    assertThat(ops.size()).isEqualTo(1);

    for (int i = 0; i < Operations.MAX + 10; i++) {
      ops.start("d" + i, T0.plus(Duration.ofMinutes(21)), T0, null);
    }
    assertThat(ops.size()).isLessThanOrEqualTo(Operations.MAX + 1);
    assertThat(ops.get(recent.id())).isNull(); // the oldest went first
  }

  @Test
  void aSnapshotRestoresResultsAndFailsWhatWasStillRunning() throws Exception {
    Operations ops = new Operations();
    Operations.Operation done = ops.start("a", T0, T0.plusSeconds(2), assigned("a"));
    Operations.Operation running = ops.start("b", T0, T0, null);
    Operations restored = new Operations();
    restored.restore(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(ops.snapshot())));
    Operations.Operation back = restored.get(done.id());
    assertThat(back.result()).isEqualTo(done.result());
    assertThat(back.readyAt()).isEqualTo(done.readyAt());
    assertThat(back.assigning(T0.plusSeconds(1))).isTrue();
    assertThat(back.assigning(T0.plusSeconds(2))).isFalse();
    Registration failed = restored.get(running.id()).result();
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.errorCode()).isEqualTo(500001);
  }
}
