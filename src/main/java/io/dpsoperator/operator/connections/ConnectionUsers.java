package io.dpsoperator.operator.connections;

import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The resources that name a connection, as the API server lists them: what a connection's deletion
 * waits for. Listed, not taken from memory, so that an operator that just started (and has not
 * reconciled every resource yet) does not let a connection in use go.
 */
public final class ConnectionUsers {
  private ConnectionUsers() {}

  /** The enrollments and groups naming a connection, in these namespaces (empty: in all). */
  public static Stream<HasMetadata> list(
      KubernetesClient client, Set<String> namespaces, ConnectionKey key) {
    List<HasMetadata> all = new ArrayList<>();
    if (namespaces.isEmpty()) {
      all.addAll(client.resources(IndividualEnrollment.class).inAnyNamespace().list().getItems());
      all.addAll(client.resources(EnrollmentGroup.class).inAnyNamespace().list().getItems());
    }
    for (String ns : namespaces) {
      all.addAll(client.resources(IndividualEnrollment.class).inNamespace(ns).list().getItems());
      all.addAll(client.resources(EnrollmentGroup.class).inNamespace(ns).list().getItems());
    }
    return all.stream().filter(r -> names(r, key));
  }

  private static boolean names(HasMetadata resource, ConnectionKey key) {
    DpsRecordSpec spec =
        resource instanceof IndividualEnrollment ie
            ? ie.getSpec()
            : ((EnrollmentGroup) resource).getSpec();
    return spec != null
        && spec.getConnectionRef() != null
        && spec.getConnectionRef().getKind() != null
        && key.equals(
            ConnectionKey.of(resource.getMetadata().getNamespace(), spec.getConnectionRef()));
  }
}
