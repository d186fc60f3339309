package io.dpsoperator.demo;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;

/**
 * The discovery documents kubectl reads before it lists anything, which fabric8's CRUD mock does
 * not serve: the core kinds the demo uses and the two dpsoperator.io kinds.
 */
final class Discovery {
  private static final List<String> VERBS =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");

  private Discovery() {}

  static void register(KubernetesMockServer server) {
    serve(server, "/api", new APIVersionsBuilder().withVersions("v1").build());
    serve(
        server,
        "/api/v1",
        new APIResourceListBuilder()
            .withGroupVersion("v1")
            .withResources(
                resource("namespaces", "Namespace", false, List.of("ns"), List.of()),
                resource("secrets", "Secret", true, List.of(), List.of()),
                resource("configmaps", "ConfigMap", true, List.of("cm"), List.of()),
                resource("events", "Event", true, List.of("ev"), List.of()))
            .build());
    var version =
        new GroupVersionForDiscoveryBuilder()
            .withGroupVersion("dpsoperator.io/v1alpha1")
            .withVersion("v1alpha1")
            .build();
    serve(
        server,
        "/apis",
        new APIGroupListBuilder()
            .withGroups(
                new APIGroupBuilder()
                    .withName("dpsoperator.io")
                    .withVersions(version)
                    .withPreferredVersion(version)
                    .build())
            .build());
    serve(
        server,
        "/apis/dpsoperator.io/v1alpha1",
        new APIResourceListBuilder()
            .withGroupVersion("dpsoperator.io/v1alpha1")
            .withResources(
                resource(
                    "individualenrollments",
                    "IndividualEnrollment",
                    true,
                    List.of("dpsie"),
                    List.of("dps")),
                resource(
                    "enrollmentgroups", "EnrollmentGroup", true, List.of("dpseg"), List.of("dps")),
                resource(
                    "dpsconnections", "DpsConnection", true, List.of("dpsconn"), List.of("dps")),
                resource(
                    "clusterdpsconnections",
                    "ClusterDpsConnection",
                    false,
                    List.of("cdpsconn"),
                    List.of("dps")))
            .build());
  }

  /** Answers a discovery path, also with the timeout kubectl appends to it. */
  private static void serve(KubernetesMockServer server, String path, Object body) {
    for (String p : List.of(path, path + "?timeout=32s")) {
      server
          .expect()
          .get()
          .withPath(p)
          .andReturn(200, body)
          .withHeader("Content-Type", "application/json")
          .always();
    }
  }

  private static APIResource resource(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {
    return new APIResourceBuilder()
        .withName(plural)
        .withSingularName(kind.toLowerCase(java.util.Locale.ROOT))
        .withKind(kind)
        .withNamespaced(namespaced)
        .withVerbs(VERBS)
        .withShortNames(shortNames)
        .withCategories(categories)
        .build();
  }
}
