package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the certificates a resource puts in DPS can work now: DPS stores an expired or
 * not-yet-valid certificate without complaint, and then no device can register with it. Pure.
 *
 * @param invalid the certificates outside their validity period now, as messages
 * @param expiringSoon the valid certificates that expire within the warning window, as messages
 * @param reason {@link Reasons#CERTIFICATE_EXPIRED}, {@link Reasons#CERTIFICATE_NOT_YET_VALID},
 *     {@link Reasons#CERTIFICATE_EXPIRING_SOON} or {@link Reasons#CERTIFICATES_VALID}
 * @param anyValid whether at least one certificate can be used now (devices can still register)
 */
public record CertificateValidity(
    List<String> invalid, List<String> expiringSoon, String reason, boolean anyValid) {

  /** Judges the certificates of a status at {@code now}, warning {@code window} ahead of expiry. */
  public static CertificateValidity of(
      List<CertificateStatus> certificates, Instant now, Duration window) {
    List<String> invalid = new ArrayList<>();
    List<String> soon = new ArrayList<>();
    String reason = Reasons.CERTIFICATES_VALID;
    boolean anyValid = false;
    for (CertificateStatus c : certificates) {
      Instant notAfter = Instant.parse(c.getNotAfter());
      Instant notBefore = c.getNotBefore() == null ? Instant.MIN : Instant.parse(c.getNotBefore());
      String which = "the " + c.getRole() + " certificate (" + c.getSubject() + ")";
      if (now.isAfter(notAfter)) {
        invalid.add(which + " expired at " + notAfter);
        reason = Reasons.CERTIFICATE_EXPIRED;
      } else if (now.isBefore(notBefore)) {
        invalid.add(which + " is not valid before " + notBefore);
        if (!reason.equals(Reasons.CERTIFICATE_EXPIRED)) {
          reason = Reasons.CERTIFICATE_NOT_YET_VALID;
        }
      } else {
        anyValid = true;
        if (now.plus(window).isAfter(notAfter)) {
          soon.add(which + " expires at " + notAfter);
        }
      }
    }
    if (invalid.isEmpty() && !soon.isEmpty()) {
      reason = Reasons.CERTIFICATE_EXPIRING_SOON;
    }
    return new CertificateValidity(List.copyOf(invalid), List.copyOf(soon), reason, anyValid);
  }

  /** Whether every certificate is within its validity period. */
  public boolean allValid() {
    return invalid.isEmpty();
  }

  /** One sentence for a condition or an Event. */
  public String message(String kindLabel) {
    if (!invalid.isEmpty()) {
      return "DPS holds the "
          + kindLabel
          + ", but "
          + String.join("; ", invalid)
          + (anyValid
              ? ": devices can only use the other certificate."
              : ": no device can register with it.")
          + " Renew the certificate in its Secret (cert-manager does this by itself before"
          + " expiry)";
    }
    if (!expiringSoon.isEmpty()) {
      return String.join("; ", expiringSoon) + ": renew it before devices fail to register";
    }
    return "Every certificate in use is within its validity period";
  }
}
