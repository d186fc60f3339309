package io.dpsoperator.operator.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.dps.DpsCredentialException;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.dps.auth.AuthFailure;
import io.dpsoperator.dps.auth.DpsAuthenticationException;
import io.dpsoperator.operator.sync.Reasons;
import io.dpsoperator.operator.sync.SyncFailure;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reasons of failed connection checks that the emulator cannot produce over SAS (403 comes from
 * Entra role checks); the others are covered end to end in ConnectionsTest.
 */
class ConnectionProbeTest {

  @ParameterizedTest
  @CsvSource({
    "401, Unauthorized, false",
    "403, Forbidden, false",
    "0, Unreachable, true",
    "503, DpsUnavailable, true",
    "429, Throttled, true"
  })
  void eachFailureHasItsOwnReason(int status, String reason, boolean retryable) {
    SyncFailure f =
        ConnectionProbe.classify(
            "dps.example.net",
            new DpsException("query", status, null, "tracking-1", "refused", null));
    assertThat(f.reason()).isEqualTo(reason);
    assertThat(f.isRetryable()).isEqualTo(retryable);
    assertThat(f.getMessage()).doesNotContain("tracking-1");
  }

  @ParameterizedTest
  @CsvSource({"401", "403", "0"})
  void messagesNameTheHostAndWhatToDo(int status) {
    SyncFailure f =
        ConnectionProbe.classify(
            "dps.example.net", new DpsException("query", status, null, null, "refused", null));
    assertThat(f.getMessage()).contains("dps.example.net");
    assertThat(List.of(Reasons.UNAUTHORIZED, Reasons.FORBIDDEN, Reasons.UNREACHABLE))
        .contains(f.reason());
  }

  @ParameterizedTest
  @EnumSource(
      value = AuthFailure.class,
      names = {"TOKEN_EXCHANGE_FAILED", "FEDERATED_TOKEN_UNAVAILABLE", "FEDERATED_TOKEN_EXPIRED"})
  void aCredentialThatCannotMakeAHeaderHasTheReasonOfItsFailure(AuthFailure failure) {
    for (boolean retryable : new boolean[] {true, false}) {
      SyncFailure f =
          ConnectionProbe.classify(
              "dps.example.net",
              new DpsCredentialException(
                  "query",
                  new DpsAuthenticationException(
                      failure, retryable, "the token endpoint said no (AADSTS70021)")));
      assertThat(f.reason()).isEqualTo(failure.reason());
      assertThat(f.isRetryable()).isEqualTo(retryable);
      assertThat(f.getMessage()).contains("AADSTS70021");
    }
  }
}
