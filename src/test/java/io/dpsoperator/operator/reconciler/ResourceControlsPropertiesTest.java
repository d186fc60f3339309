package io.dpsoperator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.AdoptionPolicy;
import io.dpsoperator.api.v1alpha1.DeletionPolicy;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentStatus;
import io.dpsoperator.api.v1alpha1.ReconcilePolicy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What a resource's controls allow, over every combination of spec, annotations and status. */
class ResourceControlsPropertiesTest {

  /** One resource: its spec fields, annotations and what its status records. */
  record Case(
      ReconcilePolicy policy,
      AdoptionPolicy adoption,
      DeletionPolicy deletion,
      Optional<String> paused,
      Optional<String> forceSync,
      Optional<String> ownership,
      boolean appliedHash,
      boolean etag,
      Optional<String> lastForceSync) {

    IndividualEnrollment resource() {
      IndividualEnrollment r = new IndividualEnrollment();
      Map<String, String> annotations = new HashMap<>();
      paused.ifPresent(v -> annotations.put(ResourceControls.PAUSED_ANNOTATION, v));
      forceSync.ifPresent(v -> annotations.put(ResourceControls.FORCE_SYNC_ANNOTATION, v));
      r.setMetadata(new ObjectMetaBuilder().withName("r").withAnnotations(annotations).build());
      IndividualEnrollmentSpec spec = new IndividualEnrollmentSpec();
      spec.setReconcilePolicy(policy);
      spec.setAdoptionPolicy(adoption);
      spec.setDeletionPolicy(deletion);
      r.setSpec(spec);
      return r;
    }

    IndividualEnrollmentStatus status() {
      IndividualEnrollmentStatus s = new IndividualEnrollmentStatus();
      s.setOwnership(ownership.orElse(null));
      s.setAppliedHash(appliedHash ? "hash" : null);
      s.setEtag(etag ? "\"etag\"" : null);
      s.setLastForceSync(lastForceSync.orElse(null));
      return s;
    }

    ResourceControls controls() {
      IndividualEnrollment r = resource();
      return ResourceControls.of(r, r.getSpec());
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Optional<String>> annotation =
        Arbitraries.of("true", "false", "FALSE", "yes", "", "1").optional();
    return Combinators.combine(
            Arbitraries.of(ReconcilePolicy.class).injectNull(0.2),
            Arbitraries.of(AdoptionPolicy.class).injectNull(0.2),
            Arbitraries.of(DeletionPolicy.class).injectNull(0.2),
            annotation,
            Arbitraries.of("1", "2", "now").optional(),
            Arbitraries.of(ResourceControls.CREATED, ResourceControls.ADOPTED).optional(),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .flatAs(
            (p, a, d, paused, force, own, hash, etag) ->
                Arbitraries.of("1", "2", "now")
                    .optional()
                    .map(last -> new Case(p, a, d, paused, force, own, hash, etag, last)));
  }

  @Property(tries = 300)
  void noWriteUnderObserveOrPause(@ForAll("cases") Case c) {
    ResourceControls controls = c.controls();
    boolean paused = c.paused().isPresent() && !c.paused().get().equalsIgnoreCase("false");
    assertThat(controls.paused()).isEqualTo(paused);
    assertThat(controls.writes())
        .isEqualTo(c.policy() != ReconcilePolicy.OBSERVE && !paused)
        .isEqualTo(controls.engine(c.status()).writes());
    assertThat(controls.engine(c.status()).adopt())
        .isEqualTo(c.adoption() != AdoptionPolicy.REFUSE);
  }

  @Property(tries = 300)
  void aForceSyncIsDueOnlyForAValueNotActedOn(@ForAll("cases") Case c) {
    boolean due = c.forceSync().isPresent() && !c.forceSync().equals(c.lastForceSync());
    assertThat(c.controls().forceSyncDue(c.status())).isEqualTo(due);
    assertThat(c.controls().engine(c.status()).fullRead()).isEqualTo(due);
  }

  /**
   * The record is deleted only under Manage, for a resource that took it, with deletionPolicy
   * Delete, not paused, and only if the operator created it or was told to own what it adopted.
   */
  @Property(tries = 300)
  void aRecordIsDeletedOnlyWhenTheUserSaidSo(@ForAll("cases") Case c) {
    ResourceControls controls = c.controls();
    ResourceControls.DeletionDecision decision = controls.onDelete(c.status());
    boolean took = c.ownership().isPresent() || c.appliedHash();
    boolean created = c.ownership().map(ResourceControls.CREATED::equals).orElse(c.appliedHash());
    boolean allowed =
        c.policy() != ReconcilePolicy.OBSERVE
            && took
            && c.deletion() != DeletionPolicy.ORPHAN
            && (created || c.adoption() == AdoptionPolicy.ADOPT_AND_OWN);

    if (allowed && controls.paused()) {
      assertThat(decision.action()).isEqualTo(ResourceControls.Deletion.WAIT);
      assertThat(decision.why()).contains(ResourceControls.PAUSED_ANNOTATION);
    } else {
      assertThat(decision.action() == ResourceControls.Deletion.DELETE).isEqualTo(allowed);
    }
    if (!allowed && decision.action() == ResourceControls.Deletion.ORPHAN) {
      assertThat(decision.why()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void anAdoptedRecordIsNeverDeletedWithoutAdoptAndOwn(@ForAll("cases") Case c) {
    if (c.ownership().equals(Optional.of(ResourceControls.ADOPTED))
        && c.adoption() != AdoptionPolicy.ADOPT_AND_OWN) {
      assertThat(c.controls().onDelete(c.status()).action())
          .isNotEqualTo(ResourceControls.Deletion.DELETE)
          .isNotEqualTo(ResourceControls.Deletion.WAIT);
    }
  }
}
