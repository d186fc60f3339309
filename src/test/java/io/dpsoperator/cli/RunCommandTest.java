package io.dpsoperator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.operator.Fixtures;
import io.dpsoperator.operator.MockKubernetes;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code run --embedded-dps}: the operator and the emulator beside it, against a cluster. */
class RunCommandTest {

  @Test
  void runWithEmbeddedDpsSyncsEnrollmentsAndServesHealth() throws Exception {
    KubernetesMockServer server = MockKubernetes.crud();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    KubernetesClient kube = server.createClient();
    MockKubernetes.installCrds(kube);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "DPS_OPERATOR_EMBEDDED_DPS", "true",
            "DPS_OPERATOR_HTTP_PORT", String.valueOf(port),
            "DPS_OPERATOR_NAMESPACE", "dps-operator");
    try (RunCommand.Running running =
        RunCommand.start(
            env,
            kube,
            0,
            List.of("hub-x.azure-devices.net"),
            new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      String scope = running.emulator().orElseThrow().idScope();
      assertThat(printed.toString(StandardCharsets.UTF_8)).contains("ID scope:").contains(scope);
      kube.resource(Fixtures.enrollment("default", "try-01", Fixtures.generatedKeys())).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Conditions.ready(
                          kube.resources(IndividualEnrollment.class)
                              .inNamespace("default")
                              .withName("try-01")
                              .get()
                              .getStatus())
                      .map(c -> "True".equals(c.getStatus()))
                      .orElse(false));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Secret keys =
                    kube.secrets().inNamespace("default").withName("try-01-dps-keys").get();
                assertThat(keys).isNotNull();
                assertThat(new String(Base64.getDecoder().decode(keys.getData().get("idScope"))))
                    .isEqualTo(scope);
              });
      assertThat(running.emulator().orElseThrow().linkedHubs())
          .containsExactly("hub-x.azure-devices.net");
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    } finally {
      server.destroy();
    }
  }
}
