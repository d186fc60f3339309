package io.dpsoperator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentStatus;
import io.dpsoperator.operator.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimsTest {

  private static IndividualEnrollment at(String ns, String name, String created, String regId) {
    IndividualEnrollment r =
        Fixtures.enrollment(
            ns, name, Fixtures.generatedKeys().andThen(s -> s.setRegistrationId(regId)));
    r.getMetadata().setUid(ns + "/" + name);
    r.getMetadata().setCreationTimestamp(created);
    return r;
  }

  @Test
  void theOlderResourceWinsCaseInsensitively() {
    var older = at("a", "x", "2026-01-01T00:00:00Z", "Device-1");
    var newer = at("b", "y", "2026-02-01T00:00:00Z", "device-1");
    var other = at("c", "z", "2025-01-01T00:00:00Z", "device-2");
    List<IndividualEnrollment> all = List.of(older, newer, other);
    assertThat(Claims.olderClaimant(newer, all, IndividualEnrollment::registrationId, r -> ""))
        .contains(older);
    assertThat(Claims.olderClaimant(older, all, IndividualEnrollment::registrationId, r -> ""))
        .isEmpty();
  }

  @Test
  void differentDpsInstancesDoNotClash() {
    var older = at("a", "x", "2026-01-01T00:00:00Z", "device-1");
    var newer = at("b", "y", "2026-02-01T00:00:00Z", "device-1");
    assertThat(
            Claims.olderClaimant(
                newer,
                List.of(older, newer),
                IndividualEnrollment::registrationId,
                r -> r.getMetadata().getNamespace()))
        .isEmpty();
  }

  @Test
  void aResourceBeingDeletedClaimsOnlyWhileItManagesTheRecord() {
    var older = at("a", "x", "2026-01-01T00:00:00Z", "device-1");
    older.getMetadata().setDeletionTimestamp("2026-03-01T00:00:00Z");
    var newer = at("b", "y", "2026-02-01T00:00:00Z", "device-1");
    List<IndividualEnrollment> all = List.of(older, newer);
    assertThat(Claims.olderClaimant(newer, all, IndividualEnrollment::registrationId, r -> ""))
        .isEmpty();
    IndividualEnrollmentStatus managed = new IndividualEnrollmentStatus();
    managed.setEtag("\"e1\"");
    older.setStatus(managed);
    assertThat(Claims.olderClaimant(newer, all, IndividualEnrollment::registrationId, r -> ""))
        .contains(older);
  }
}
