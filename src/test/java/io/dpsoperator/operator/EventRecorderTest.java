package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Repeated Events are counted on one Event instead of flooding the namespace. */
class EventRecorderTest {
  private KubernetesMockServer server;
  private KubernetesClient kube;

  @BeforeEach
  void start() {
    server = MockKubernetes.crud();
    kube = server.createClient();
  }

  @AfterEach
  void stop() {
    kube.close();
    server.destroy();
  }

  @Test
  void repeatsAreCountedOnOneEvent() throws Exception {
    IndividualEnrollment on =
        kube.resource(Fixtures.enrollment("ns", "dev-1", Fixtures.generatedKeys())).create();
    EventRecorder events = new EventRecorder(kube, Clock.systemUTC());
    events.warning(on, "SecretNotFound", "Secret ns/keys not found");
    events.warning(on, "SecretNotFound", "Secret ns/keys not found");
    events.warning(on, "SecretNotFound", "Secret ns/keys not found");
    events.normal(on, "Created", "Created DPS enrollment dev-1");

    List<Event> recorded = kube.v1().events().inNamespace("ns").list().getItems();
    assertThat(recorded).hasSize(2);
    Event warning =
        recorded.stream()
            .filter(e -> "SecretNotFound".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(warning.getCount()).isEqualTo(3);
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getInvolvedObject().getUid()).isEqualTo(on.getMetadata().getUid());
    assertThat(warning.getSource().getComponent()).isEqualTo("dps-operator");
  }
}
