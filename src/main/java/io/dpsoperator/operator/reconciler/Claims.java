package io.dpsoperator.operator.reconciler;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Two resources claiming the same DPS id in the same DPS: the older one (by creation time, then
 * namespace/name) wins, and DPS is left alone for the newer one.
 */
final class Claims {
  private static final Comparator<CustomResource<?, ?>> AGE =
      Comparator.comparing(
              (CustomResource<?, ?> r) ->
                  Instant.parse(
                      Optional.ofNullable(r.getMetadata().getCreationTimestamp())
                          .orElse("9999-12-31T00:00:00Z")))
          .thenComparing(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());

  private Claims() {}

  /**
   * The oldest other resource that claims the same id in the same DPS before this one, if any. A
   * resource being deleted still claims the id while it manages the record.
   */
  static <P extends CustomResource<?, ? extends DpsRecordStatus>> Optional<P> olderClaimant(
      P resource, Collection<P> all, Function<P, String> dpsId, Function<P, String> connection) {
    String id = dpsId.apply(resource).toLowerCase(Locale.ROOT);
    String dps = connection.apply(resource);
    return all.stream()
        .filter(o -> !Objects.equals(o.getMetadata().getUid(), resource.getMetadata().getUid()))
        .filter(o -> o.getMetadata().getDeletionTimestamp() == null || isManaged(o))
        .filter(o -> dpsId.apply(o).toLowerCase(Locale.ROOT).equals(id))
        .filter(o -> connection.apply(o).equals(dps))
        .filter(o -> AGE.compare(o, resource) < 0)
        .min(AGE);
  }

  private static boolean isManaged(CustomResource<?, ? extends DpsRecordStatus> resource) {
    return manages(resource.getStatus());
  }

  /**
   * Whether a status says the operator wrote or adopted the record: it learned its etag, or it
   * applied a record (after a bulk write the etag is learned only at the next inventory sweep).
   */
  static boolean manages(DpsRecordStatus status) {
    return status != null && (status.getEtag() != null || status.getAppliedHash() != null);
  }
}
