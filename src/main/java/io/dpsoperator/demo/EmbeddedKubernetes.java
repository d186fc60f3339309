package io.dpsoperator.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * An in-process Kubernetes API for the demo: fabric8's mock server in CRUD mode with the operator's
 * CRDs installed. Not a real API server: no admission, no garbage collection.
 */
final class EmbeddedKubernetes implements AutoCloseable {
  // The mock server logs every request at INFO through java.util.logging.
  private static final java.util.logging.Logger QUIET_MOCK_SERVER = quiet();

  private static java.util.logging.Logger quiet() {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  static final List<String> CRDS =
      List.of(
          "individualenrollments.dpsoperator.io-v1.yml",
          "enrollmentgroups.dpsoperator.io-v1.yml",
          "dpsconnections.dpsoperator.io-v1.yml",
          "clusterdpsconnections.dpsoperator.io-v1.yml");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private EmbeddedKubernetes(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  static EmbeddedKubernetes start() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    Discovery.register(server);
    KubernetesClient client = server.createClient();
    for (String crd : CRDS) {
      try (InputStream in =
          EmbeddedKubernetes.class.getResourceAsStream("/META-INF/fabric8/" + crd)) {
        if (in == null) {
          throw new IllegalStateException(
              "CRD " + crd + " is missing from the jar; rebuild with mvn package");
        }
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(
                client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new EmbeddedKubernetes(server, client);
  }

  KubernetesClient client() {
    return client;
  }

  String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  void ensureNamespace(String name) {
    if (client.namespaces().withName(name).get() == null) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /** Writes a kubeconfig for kubectl pointing at this API. */
  Path writeKubeconfig(Path file) {
    String config =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dps-demo
          cluster:
            server: %s
        contexts:
        - name: dps-demo
          context:
            cluster: dps-demo
            namespace: default
        current-context: dps-demo
        users: []
        """
            .formatted(url());
    try {
      Files.writeString(file, config);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
