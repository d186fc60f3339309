package io.dpsoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.model.annotation.Plural;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kind names its plural: without {@link Plural}, fabric8 runs its pluralizer in the
 * constructor of every object it deserializes (twice), the largest allocation of the operator at
 * fleet size. The name must be what the pluralizer would say, so the CRDs do not change.
 */
class PluralsNamedTest {
  @Test
  void everyKindNamesThePluralThePluralizerWouldCompute() {
    for (Class<? extends HasMetadata> kind :
        List.of(
            IndividualEnrollment.class,
            EnrollmentGroup.class,
            DpsConnection.class,
            ClusterDpsConnection.class)) {
      assertThat(kind.getAnnotation(Plural.class)).as(kind.getSimpleName()).isNotNull();
      assertThat(kind.getAnnotation(Plural.class).value())
          .isEqualTo(Pluralize.toPlural(HasMetadata.getSingular(kind)));
    }
  }
}
