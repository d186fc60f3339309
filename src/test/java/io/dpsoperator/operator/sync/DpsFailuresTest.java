package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.dps.DpsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DpsFailuresTest {

  @ParameterizedTest
  @CsvSource({
    "0, DpsUnavailable, true",
    "500, DpsUnavailable, true",
    "503, DpsUnavailable, true",
    "429, Throttled, true",
    "412, DpsUnavailable, true",
    "404, DpsUnavailable, true",
    "401, DpsUnauthorized, false",
    "403, DpsUnauthorized, false",
    "400, InvalidSpec, false",
    "409, DpsRejected, false"
  })
  void classifiesOnce(int status, String reason, boolean retryable) {
    SyncFailure f =
        DpsFailures.classify(new DpsException("op", status, null, "t-1", "DPS said no", null));
    assertThat(f.reason()).isEqualTo(reason);
    assertThat(f.isRetryable()).isEqualTo(retryable);
    assertThat(f.getMessage()).contains("t-1");
  }
}
