package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** The hand-written timestamp formatter agrees with the general one. */
class JsonTimeTest {

  @Property(tries = 2000)
  void handWrittenTimeEqualsTheFormatter(
      @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long seconds,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    Instant instant = Instant.ofEpochSecond(seconds, nanos);
    assertThat(Json.time(instant)).isEqualTo(Json.TIME.format(instant));
  }
}
