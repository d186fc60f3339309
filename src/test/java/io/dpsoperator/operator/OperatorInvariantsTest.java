package io.dpsoperator.operator;

import static io.dpsoperator.operator.Fixtures.enrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsoperator.api.v1alpha1.CertificateRef;
import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualX509AttestationSpec;
import io.dpsoperator.api.v1alpha1.KeyRef;
import io.dpsoperator.api.v1alpha1.ValueFromSource;
import io.dpsoperator.api.v1alpha1.X509CertificatesSpec;
import io.dpsoperator.dps.DpsException;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator holds itself when the API server's schema and CEL rules do not run: the DPS id
 * it manages, one attestation block, one key source; certificates that cannot work; and what {@code
 * status.lastSyncTime} means.
 */
class OperatorInvariantsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static OperatorTestEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    // A short resync and heartbeat, so that the heartbeat can be watched moving.
    env =
        OperatorTestEnvironment.start(
            Map.of(
                "DPS_OPERATOR_RESYNC_INTERVAL", "1s",
                "DPS_OPERATOR_STATUS_HEARTBEAT", "3s"));
    await().pollInterval(Duration.ofMillis(200));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private Optional<io.dpsoperator.dps.model.IndividualEnrollment> inDps(String id) {
    try {
      return Optional.of(env.dps.getIndividualEnrollment(id));
    } catch (DpsException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void awaitInvalidSpec(IndividualEnrollment r, String... mentioned) {
    env.awaitReady(r, "False", "InvalidSpec");
    String message = env.ready(r).orElseThrow().getMessage();
    assertThat(message).contains(mentioned);
    await().atMost(WAIT).until(() -> env.hasEvent(r, "InvalidSpec"));
  }

  @Test
  void aChangedRegistrationIdIsRefusedAndTheManagedRecordIsKept() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "meter-1",
                    Fixtures.keysFromSecret("keys").andThen(s -> s.setRegistrationId("meter-1-a"))))
            .create();
    env.awaitReady(r, "True", "Synced");
    String etag = inDps("meter-1-a").orElseThrow().etag();

    // The mock API runs no CEL: the immutable rule does not stop this update.
    env.kube
        .resource(env.fresh(r))
        .edit(
            e -> {
              e.getSpec().setRegistrationId("meter-1-b");
              return e;
            });

    awaitInvalidSpec(r, "spec.registrationId", "meter-1-a", "meter-1-b");
    assertThat(inDps("meter-1-b")).isEmpty();
    assertThat(inDps("meter-1-a").orElseThrow().etag()).isEqualTo(etag);
    assertThat(env.fresh(r).getStatus().getRegistrationId()).isEqualTo("meter-1-a");

    // Deleting the resource deletes the record it manages, not the one the spec names now.
    env.kube.resource(env.fresh(r)).delete();
    await().atMost(WAIT).until(() -> env.fresh(r) == null);
    assertThat(inDps("meter-1-a")).isEmpty();
  }

  @Test
  void twoAttestationBlocksAreRefusedNamingBoth() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    env.tlsSecret(ns, "tls", CertificateAuthority.createRoot("R").issueLeaf("two-1").chainPem());
    IndividualEnrollment r =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "two-1",
                    Fixtures.keysFromSecret("keys")
                        .andThen(
                            s -> {
                              IndividualX509AttestationSpec x = new IndividualX509AttestationSpec();
                              X509CertificatesSpec certs = new X509CertificatesSpec();
                              CertificateRef ref = new CertificateRef();
                              ref.setName("tls");
                              certs.setPrimary(ref);
                              x.setClientCertificates(certs);
                              s.getAttestation().setX509(x);
                            })))
            .create();
    awaitInvalidSpec(r, "spec.attestation.symmetricKey", "spec.attestation.x509");
    assertThat(inDps("two-1")).isEmpty();
  }

  @Test
  void twoSourcesForTheEndorsementKeyAreRefusedNamingBoth() {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        env.kube
            .resource(
                enrollment(
                    ns,
                    "tpm-two",
                    Fixtures.tpm(Fixtures.randomKey())
                        .andThen(
                            s -> {
                              ValueFromSource from = new ValueFromSource();
                              KeyRef ref = new KeyRef();
                              ref.setName("ek");
                              ref.setKey("ek");
                              from.setSecretKeyRef(ref);
                              s.getAttestation().getTpm().setEndorsementKeyFrom(from);
                            })))
            .create();
    awaitInvalidSpec(
        r, "spec.attestation.tpm.endorsementKey ", "spec.attestation.tpm.endorsementKeyFrom");
    assertThat(inDps("tpm-two")).isEmpty();
  }

  @Test
  void anInvalidInlineEndorsementKeyIsAnInvalidSpecNotASecretProblem() {
    String ns = env.newNamespace();
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "tpm-bad", Fixtures.tpm("not*base64"))).create();
    awaitInvalidSpec(r, "spec.attestation.tpm.endorsementKey", "not valid base64");
  }

  @Test
  void aMalformedCertificateSaysSoInWordsAUserUnderstands() {
    String ns = env.newNamespace();
    String good = CertificateAuthority.createRoot("R").issueLeaf("torn-1").certificatePem();
    // A body cut to 4k+1 base64 characters: the decoder fails on its last unit.
    String body =
        good.replace("-----BEGIN CERTIFICATE-----", "")
            .replace("-----END CERTIFICATE-----", "")
            .replaceAll("[\\s=]", "");
    body = body.substring(0, (body.length() / 4 - 1) * 4 + 1);
    String torn = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    env.tlsSecret(ns, "torn-tls", torn);
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "torn-1", Fixtures.x509FromSecret("torn-tls"))).create();
    env.awaitReady(r, "False", "InvalidSecret");
    String message = env.ready(r).orElseThrow().getMessage();
    assertThat(message).contains("torn-tls", "malformed").doesNotContain("Last unit", "bits");
  }

  @Test
  void anExpiredClientCertificateIsNotReadyAndSaysWhy() {
    String ns = env.newNamespace();
    var expired =
        CertificateAuthority.createRoot("R")
            .issueLeaf("old-cam", Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(1));
    env.tlsSecret(ns, "old-cam-tls", expired.chainPem());
    IndividualEnrollment r =
        env.kube
            .resource(enrollment(ns, "old-cam", Fixtures.x509FromSecret("old-cam-tls")))
            .create();

    env.awaitReady(r, "False", "CertificateExpired");
    assertThat(env.ready(r).orElseThrow().getMessage())
        .contains("primary certificate", "expired", "no device can register");
    assertThat(condition(r, Conditions.CERTIFICATES_VALID))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("CertificateExpired");
            });
    // DPS holds what the spec says; the status says it cannot work.
    assertThat(inDps("old-cam")).isPresent();
    await().atMost(WAIT).until(() -> env.hasEvent(r, "CertificateExpired"));
    assertThat(env.meters.scrape())
        .contains("dps_operator_certificate_expiry_timestamp_seconds")
        .contains("name=\"old-cam\"");
  }

  @Test
  void aCertificateNotYetValidIsNotReady() {
    String ns = env.newNamespace();
    var future =
        CertificateAuthority.createRoot("R")
            .issueLeaf("new-cam", Instant.now().plus(Duration.ofDays(2)), Duration.ofDays(30));
    env.tlsSecret(ns, "new-cam-tls", future.chainPem());
    IndividualEnrollment r =
        env.kube
            .resource(enrollment(ns, "new-cam", Fixtures.x509FromSecret("new-cam-tls")))
            .create();
    env.awaitReady(r, "False", "CertificateNotYetValid");
  }

  @Test
  void aCertificateExpiringSoonStaysReadyWithAWarning() {
    String ns = env.newNamespace();
    var soon =
        CertificateAuthority.createRoot("R")
            .issueLeaf("soon-cam", Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(10));
    env.tlsSecret(ns, "soon-cam-tls", soon.chainPem());
    IndividualEnrollment r =
        env.kube
            .resource(enrollment(ns, "soon-cam", Fixtures.x509FromSecret("soon-cam-tls")))
            .create();
    env.awaitReady(r, "True", "Synced");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(condition(r, Conditions.CERTIFICATES_VALID))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("CertificateExpiringSoon");
                        }));
    await().atMost(WAIT).until(() -> env.hasEvent(r, "CertificateExpiringSoon"));
  }

  @Test
  void lastSyncTimeMovesOnAHeartbeatAndNotOnFailures() {
    String ns = env.newNamespace();
    env.randomKeysSecret(ns, "keys");
    IndividualEnrollment r =
        env.kube.resource(enrollment(ns, "beat-1", Fixtures.keysFromSecret("keys"))).create();
    env.awaitReady(r, "True", "Synced");
    Instant first = Instant.parse(env.fresh(r).getStatus().getLastSyncTime());

    // Nothing changes; the 1s resync confirms DPS, and every 3s the confirmation is written.
    await()
        .atMost(WAIT)
        .until(() -> Instant.parse(env.fresh(r).getStatus().getLastSyncTime()).isAfter(first));

    // A failure leaves lastSyncTime where it was.
    env.kube.secrets().inNamespace(ns).withName("keys").delete();
    env.awaitReady(r, "False", "SecretNotFound");
    String atFailure = env.fresh(r).getStatus().getLastSyncTime();
    // Several resyncs and heartbeat intervals of failing: still the last confirmation.
    String version = env.fresh(r).getMetadata().getResourceVersion();
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> atFailure.equals(env.fresh(r).getStatus().getLastSyncTime()));
    // And a failing resync writes nothing either.
    assertThat(env.fresh(r).getMetadata().getResourceVersion()).isEqualTo(version);
  }

  private static Optional<Condition> condition(IndividualEnrollment r, String type) {
    DpsRecordStatus status = env.fresh(r).getStatus();
    return Conditions.get(status, type);
  }
}
