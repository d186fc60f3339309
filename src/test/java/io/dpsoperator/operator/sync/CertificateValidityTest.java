package io.dpsoperator.operator.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CertificateValidityTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration WINDOW = Duration.ofDays(30);

  /** Each certificate as (start, end) offsets in hours from now. */
  @Property
  void judgesEachCertificateByItsValidityPeriod(
      @ForAll @Size(min = 1, max = 2) List<@IntRange(min = -2000, max = 2000) Integer> starts,
      @ForAll @IntRange(min = 1, max = 3000) int length) {
    List<CertificateStatus> certs = new ArrayList<>();
    boolean anyValid = false;
    boolean anyExpired = false;
    boolean anyFuture = false;
    boolean anySoon = false;
    for (int i = 0; i < starts.size(); i++) {
      Instant from = NOW.plus(Duration.ofHours(starts.get(i)));
      Instant to = from.plus(Duration.ofHours(length));
      CertificateStatus c = new CertificateStatus();
      c.setRole(i == 0 ? "primary" : "secondary");
      c.setSubject("CN=d" + i);
      c.setNotBefore(from.toString());
      c.setNotAfter(to.toString());
      certs.add(c);
      boolean valid = !NOW.isBefore(from) && !NOW.isAfter(to);
      anyValid |= valid;
      anyExpired |= NOW.isAfter(to);
      anyFuture |= NOW.isBefore(from);
      anySoon |= valid && NOW.plus(WINDOW).isAfter(to);
    }
    CertificateValidity v = CertificateValidity.of(certs, NOW, WINDOW);
    assertThat(v.anyValid()).isEqualTo(anyValid);
    assertThat(v.allValid()).isEqualTo(!anyExpired && !anyFuture);
    String expected =
        anyExpired
            ? Reasons.CERTIFICATE_EXPIRED
            : anyFuture
                ? Reasons.CERTIFICATE_NOT_YET_VALID
                : anySoon ? Reasons.CERTIFICATE_EXPIRING_SOON : Reasons.CERTIFICATES_VALID;
    assertThat(v.reason()).isEqualTo(expected);
    // The message names every certificate with a problem, by role.
    String message = v.message("enrollment");
    v.invalid().forEach(m -> assertThat(message).contains(m));
  }
}
