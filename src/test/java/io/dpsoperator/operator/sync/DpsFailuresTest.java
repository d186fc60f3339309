package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.dps.DpsException;
import org.junit.jupiter.api.Test;
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
    "403, Forbidden, false",
    "400, InvalidSpec, false",
    "409, DpsRejected, false"
  })
  void classifiesOnce(int status, String reason, boolean retryable) {
    SyncFailure f =
        DpsFailures.classify(new DpsException("op", status, null, "t-1", "DPS said no", null));
    assertThat(f.reason()).isEqualTo(reason);
    assertThat(f.isRetryable()).isEqualTo(retryable);
  }

  @Test
  void messagesAreStableAcrossRetriesAndCarryNoUrlQuery() {
    String first =
        "DPS createOrUpdateIndividualEnrollment failed: HTTP 400, errorCode=400004, trackingId=a1,"
            + " attempt 1 of 5: Webhook https://fn.example/api/allocate?code=TOPSECRET is invalid";
    String second = first.replace("trackingId=a1", "trackingId=b2").replace("1 of 5", "2 of 5");
    SyncFailure a = DpsFailures.classify(new DpsException("op", 400, 400004, "a1", first, null));
    SyncFailure b = DpsFailures.classify(new DpsException("op", 400, 400004, "b2", second, null));
    assertThat(a.getMessage()).isEqualTo(b.getMessage());
    assertThat(a.getMessage())
        .doesNotContain("TOPSECRET")
        .doesNotContain("trackingId")
        .contains("https://fn.example/api/allocate?***")
        .contains("errorCode=400004");
  }

  @Test
  void aCredentialFailureKeepsItsOwnReasonAndRetryClass() {
    SyncFailure refused =
        DpsFailures.classify(
            new io.dpsoperator.dps.DpsCredentialException(
                "getIndividualEnrollment",
                new io.dpsoperator.dps.auth.DpsAuthenticationException(
                    io.dpsoperator.dps.auth.AuthFailure.TOKEN_EXCHANGE_FAILED,
                    false,
                    "The Entra ID token endpoint refused the federated token (AADSTS70021)")));
    assertThat(refused.reason()).isEqualTo("TokenExchangeFailed");
    assertThat(refused.isRetryable()).isFalse();
    assertThat(refused.getMessage()).contains("AADSTS70021");

    SyncFailure unreachable =
        DpsFailures.classify(
            new io.dpsoperator.dps.DpsCredentialException(
                "getIndividualEnrollment",
                new io.dpsoperator.dps.auth.DpsAuthenticationException(
                    io.dpsoperator.dps.auth.AuthFailure.TOKEN_EXCHANGE_FAILED,
                    true,
                    "The Entra ID token endpoint could not be reached")));
    assertThat(unreachable.isRetryable()).isTrue();
  }
}
