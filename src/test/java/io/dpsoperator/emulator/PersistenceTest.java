package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.emulator.TestClient.Resp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {

  @Test
  void stateIdScopeKeyAndCaSurviveARestart(@TempDir Path data) throws Exception {
    String connectionString;
    String scope;
    String ca;
    String key;
    try (DpsEmulator first = DpsEmulator.builder().dataDirectory(data).build().start()) {
      TestClient client = new TestClient(first);
      key =
          client
              .service(
                  "PUT",
                  "/enrollments/persisted",
                  Map.of("attestation", Map.of("type", "symmetricKey")))
              .json()
              .at("/attestation/symmetricKey/primaryKey")
              .asText();
      assertThat(client.registerAndWait("persisted", key, null).json().get("status").asText())
          .isEqualTo("assigned");
      client.service(
          "PUT",
          "/enrollmentGroups/persisted-group",
          Map.of("attestation", Map.of("type", "symmetricKey")));
      connectionString = TestClient.part(first.serviceConnectionString(), "SharedAccessKey");
      scope = first.idScope();
      ca = first.caCertificatePem();
    }
    assertThat(data.resolve("state.json")).exists();
    assertThat(data.resolve("state.json.tmp")).doesNotExist();
    try (DpsEmulator second = DpsEmulator.builder().dataDirectory(data).build().start()) {
      assertThat(second.idScope()).isEqualTo(scope);
      assertThat(TestClient.part(second.serviceConnectionString(), "SharedAccessKey"))
          .isEqualTo(connectionString);
      assertThat(second.caCertificatePem()).isEqualTo(ca);
      TestClient client = new TestClient(second);
      Resp enrollment = client.service("GET", "/enrollments/persisted", null);
      assertThat(enrollment.status()).isEqualTo(200);
      assertThat(enrollment.json().at("/registrationState/status").asText()).isEqualTo("assigned");
      assertThat(
              client
                  .service("POST", "/enrollments/persisted/attestationmechanism", "{}")
                  .json()
                  .at("/symmetricKey/primaryKey")
                  .asText())
          .isEqualTo(key);
      assertThat(client.service("GET", "/enrollmentGroups/persisted-group", null).status())
          .isEqualTo(200);
      // re-registration keeps the hub and the history
      assertThat(
              client
                  .registerAndWait("persisted", key, null)
                  .json()
                  .at("/registrationState/substatus")
                  .asText())
          .isEqualTo("initialAssignment");
    }
    assertThat(Files.readString(data.resolve("state.json"))).contains("persisted-group");
  }
}
