package io.dpsoperator.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock Kubernetes API in CRUD mode (its lookups by name indexed: {@link
 * IndexedCrudDispatcher}), with the committed CRDs when asked for.
 */
public final class MockKubernetes {
  public static final List<String> CRDS =
      List.of(
          "individualenrollments.dpsoperator.io-v1.yml",
          "enrollmentgroups.dpsoperator.io-v1.yml",
          "dpsconnections.dpsoperator.io-v1.yml",
          "clusterdpsconnections.dpsoperator.io-v1.yml");

  private MockKubernetes() {}

  /** A started CRUD-mode server. */
  public static KubernetesMockServer crud() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new IndexedCrudDispatcher(),
            false);
    server.init();
    return server;
  }

  /** Installs the committed CRDs of both kinds. */
  public static void installCrds(KubernetesClient kube) {
    for (String crd : CRDS) {
      try (InputStream in = Files.newInputStream(Path.of("crds", crd))) {
        kube.apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(
                kube.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
