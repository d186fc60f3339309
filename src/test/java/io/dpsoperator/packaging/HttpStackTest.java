package io.dpsoperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * One Kubernetes HTTP stack: fabric8 over OkHttp, which the DPS client uses too. fabric8 chooses
 * its transport at run time among those on the class path, so a second one would win silently.
 */
class HttpStackTest {

  @Test
  void theOnlyKubernetesTransportIsOkHttp() {
    assertThat(
            ServiceLoader.load(HttpClient.Factory.class).stream()
                .map(p -> p.type().getName())
                .toList())
        .containsExactly(OkHttpClientFactory.class.getName());
  }

  @Test
  void theClientTheOperatorBuildsTalksOverOkHttp() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://localhost:1").build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(client.getHttpClient().getClass().getName())
          .isEqualTo("io.fabric8.kubernetes.client.okhttp.OkHttpClientImpl");
    }
  }
}
