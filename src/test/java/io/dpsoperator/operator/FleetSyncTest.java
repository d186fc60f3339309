package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.dps.DpsClient;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet through the batched path: many resources created at once, the operator killed in the
 * middle and started again, then everything deleted at once. Nothing is lost, nothing duplicated,
 * nothing left behind, and DPS is written in bulk.
 */
class FleetSyncTest {
  private static final int FLEET = 150;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private OperatorTestEnvironment env;

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aRestartInTheMiddleOfALargeSyncLosesNothingDuplicatesNothingAndLeavesNothingBehind()
      throws Exception {
    env = OperatorTestEnvironment.start(Map.of("DPS_OPERATOR_RESYNC_INTERVAL", "5s"));
    String ns = env.newNamespace();
    List<IndividualEnrollment> fleet = new ArrayList<>();
    for (int i = 0; i < FLEET; i++) {
      String name = "unit-" + i;
      env.randomKeysSecret(ns, name + "-keys");
      fleet.add(
          env.kube
              .resource(enrollment(ns, name, Fixtures.keysFromSecret(name + "-keys")))
              .create());
      if (i == FLEET / 2) {
        // Half the fleet applied, part of it in DPS, part in flight: the operator dies here.
        await().atMost(WAIT).until(() -> dpsIds().size() >= 10);
        env.restartOperator();
      }
    }

    fleet.forEach(r -> env.awaitReady(r, "True", "Synced"));
    Set<String> expected =
        fleet.stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet());
    assertThat(dpsIds()).isEqualTo(expected);
    // Each record holds its own resource's keys.
    for (int i = 0; i < FLEET; i += 15) {
      Secret keys = env.kube.secrets().inNamespace(ns).withName("unit-" + i + "-keys").get();
      assertThat(env.dps.getIndividualEnrollmentAttestationMechanism("unit-" + i).symmetricKey())
          .isEqualTo(
              new SymmetricKeyAttestation(value(keys, "primaryKey"), value(keys, "secondaryKey")));
    }

    fleet.forEach(r -> env.kube.resource(env.fresh(r)).delete());
    await().atMost(WAIT).until(() -> fleet.stream().allMatch(r -> env.fresh(r) == null));
    assertThat(dpsIds()).isEmpty();
  }

  private Set<String> dpsIds() {
    return env.dps.queryAllIndividualEnrollments(DpsClient.DEFAULT_PAGE_SIZE).stream()
        .map(e -> e.registrationId().toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
  }

  private static String value(Secret s, String key) {
    if (s.getStringData() != null && s.getStringData().containsKey(key)) {
      return s.getStringData().get(key);
    }
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
