package io.dpsoperator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.operator.DpsWrites;
import io.dpsoperator.operator.OperatorTestEnvironment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every sample of {@code deploy/samples/} through the real operator: synced once, then resynced
 * with no DPS write at all.
 */
class SamplesResyncTest {
  private static final Duration RESYNC = Duration.ofMillis(600);
  private static final int RESYNCS = 3;

  @Test
  void everySampleIsSyncedOnceAndThenResyncedWithoutADpsWrite() throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Samples samples = Samples.load(Path.of("deploy/samples"), serialization);
    CertManagerStandIn certificates = new CertManagerStandIn();
    try (OperatorTestEnvironment env =
        OperatorTestEnvironment.start(
            Map.of("DPS_OPERATOR_RESYNC_INTERVAL", RESYNC.toMillis() + "ms"),
            b -> {
              for (String kind : List.of("IndividualEnrollment", "EnrollmentGroup")) {
                for (GenericKubernetesResource r : samples.ofKind(kind)) {
                  Samples.path(r, "spec.iotHubs")
                      .filter(List.class::isInstance)
                      .ifPresent(hubs -> ((List<?>) hubs).forEach(h -> b.linkedHub((String) h, 1)));
                  for (String role : List.of("primary", "secondary")) {
                    Samples.string(r, "spec.attestation.x509.caReferences." + role)
                        .ifPresent(
                            ca -> b.verifiedCa(ca, certificates.verifiedCa(ca).certificatePem()));
                  }
                }
              }
            })) {
      List<HasMetadata> records = new ArrayList<>();
      for (GenericKubernetesResource o : samples.objects()) {
        String ns = Samples.namespaceOf(o);
        if ("ClusterDpsConnection"
            .equals(Samples.string(o, "spec.connectionRef.kind").orElse(null))) {
          // The workload-identity sample needs the emulator as Entra tenant and a federated
          // token: the demo syncs it (DemoTest), and WorkloadIdentityConnectionsTest checks it.
          continue;
        }
        switch (o.getKind()) {
          case "Secret" -> {
            Secret secret = serialization.convertValue(o, Secret.class);
            if (!secret.getMetadata().getName().equals("dps-connection")) {
              // A DpsConnection's connection string points at the emulator.
              if (secret.getStringData() != null
                  && secret.getStringData().containsKey("connectionString")) {
                secret.setStringData(
                    Map.of("connectionString", env.emulator.serviceConnectionString()));
              }
              env.kube.secrets().inNamespace(ns).resource(secret).create();
            }
          }
          case "Certificate" ->
              env.kube.secrets().inNamespace(ns).resource(certificates.issue(o, samples)).create();
          case "IndividualEnrollment" ->
              records.add(
                  env.kube
                      .resource(serialization.convertValue(o, IndividualEnrollment.class))
                      .create());
          case "EnrollmentGroup" ->
              records.add(
                  env.kube.resource(serialization.convertValue(o, EnrollmentGroup.class)).create());
          case "DpsConnection" -> {
            DpsConnection connection = serialization.convertValue(o, DpsConnection.class);
            connection.getSpec().setHost(env.emulator.hostName());
            env.kube.resource(connection).create();
          }
          default -> {
            /* Issuers are played through the Certificates they issue */
          }
        }
      }
      assertThat(records).hasSize(8);
      records.forEach(r -> env.awaitReady(r, "True", "Synced"));
      // Bulk writes answer no etag: the next inventory sweep brings each into the status.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  records.stream()
                      .allMatch(
                          r ->
                              ((DpsRecordStatus) ((CustomResource<?, ?>) env.fresh(r)).getStatus())
                                      .getEtag()
                                  != null));
      Map<String, String> etags = etags(env, records);
      long writes = DpsWrites.writes(env.meters);
      long reads = DpsWrites.recordReads(env.meters);

      await()
          .during(RESYNC.multipliedBy(RESYNCS).plusMillis(300))
          .atMost(RESYNC.multipliedBy(RESYNCS).plusSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> DpsWrites.writes(env.meters) == writes);
      // What DPS holds was read on every resync: by query pages, not one read per record.
      assertThat(DpsWrites.recordReads(env.meters) - reads).isGreaterThanOrEqualTo(RESYNCS);
      assertThat(etags(env, records)).isEqualTo(etags);
    }
  }

  private static Map<String, String> etags(OperatorTestEnvironment env, List<HasMetadata> rs) {
    return rs.stream()
        .collect(
            Collectors.toMap(
                r -> r.getKind() + "/" + r.getMetadata().getName(),
                r ->
                    ((DpsRecordStatus) ((CustomResource<?, ?>) env.fresh(r)).getStatus())
                        .getEtag()));
  }
}
