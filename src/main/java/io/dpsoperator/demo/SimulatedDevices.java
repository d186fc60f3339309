package io.dpsoperator.demo;

import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.device.DeviceKeys;
import io.dpsoperator.device.DeviceRegistrationClient;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.emulator.DpsEmulator;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The demo's devices: for every enrollment the samples made, devices register through the
 * emulator's device API as real ones would (symmetric key, keys derived from a group key, X.509
 * over mutual TLS), with the material the cluster holds.
 */
final class SimulatedDevices {

  /** A simulated device and what happened to it. */
  record DeviceRun(
      String kind, String registrationId, String via, String status, String hub, String error) {
    boolean assigned() {
      return "assigned".equals(status);
    }
  }

  private final DpsEmulator emulator;
  private final KubernetesClient kube;
  private final CertManagerStandIn certificates;
  private final PrintStream out;
  private final StatusTable table;

  SimulatedDevices(
      DpsEmulator emulator,
      KubernetesClient kube,
      CertManagerStandIn certificates,
      PrintStream out,
      StatusTable table) {
    this.emulator = emulator;
    this.kube = kube;
    this.certificates = certificates;
    this.out = out;
    this.table = table;
  }

  /** Registers the devices; each outcome is printed as it happens. */
  List<DeviceRun> play() {
    DeviceRegistrationClient client =
        DeviceRegistrationClient.builder()
            .endpoint(emulator.deviceEndpoint())
            .idScope(emulator.idScope())
            .trustedCaPem(emulator.caCertificatePem())
            .timeout(Duration.ofSeconds(30))
            .build();
    List<DeviceRun> runs = new ArrayList<>();
    for (IndividualEnrollment e :
        kube.resources(IndividualEnrollment.class).inAnyNamespace().list().getItems()) {
      String ns = e.getMetadata().getNamespace();
      String id = e.registrationId();
      switch (e.getSpec().getAttestation().getType()) {
        case SYMMETRIC_KEY -> {
          var sk = e.getSpec().getAttestation().getSymmetricKey();
          String secret =
              sk != null && sk.getSecretRef() != null
                  ? sk.getSecretRef().getName()
                  : e.getStatus().getKeysSecretName();
          String keyName =
              sk != null && sk.getSecretRef() != null
                  ? sk.getSecretRef().getPrimaryKeyKey()
                  : "primaryKey";
          String key = secretValue(ns, secret, keyName);
          runs.add(
              register(
                  "IndividualEnrollment",
                  id,
                  "symmetric key",
                  () -> client.registerWithSymmetricKey(id, key, Optional.empty())));
        }
        case X509 -> {
          String secret =
              e.getSpec().getAttestation().getX509().getClientCertificates().getPrimary().getName();
          var leaf = certificates.leafInSecret(ns, secret).orElse(null);
          if (leaf != null) {
            runs.add(
                register(
                    "IndividualEnrollment",
                    id,
                    "X.509 mutual TLS",
                    () -> client.registerWithX509(leaf.chainPem(), leaf.privateKeyPem())));
          }
        }
        case TPM ->
            out.printf(
                "Device %s: TPM attestation is stored in DPS; the emulator does not perform the TPM challenge, so no TPM device is simulated%n",
                id);
      }
    }
    for (EnrollmentGroup g :
        kube.resources(EnrollmentGroup.class).inAnyNamespace().list().getItems()) {
      String ns = g.getMetadata().getNamespace();
      String gid = g.enrollmentGroupId();
      var a = g.getSpec().getAttestation();
      switch (a.getType()) {
        case SYMMETRIC_KEY -> {
          var sk = a.getSymmetricKey();
          String secret =
              sk != null && sk.getSecretRef() != null
                  ? sk.getSecretRef().getName()
                  : g.getStatus().getKeysSecretName();
          String keyName =
              sk != null && sk.getSecretRef() != null
                  ? sk.getSecretRef().getPrimaryKeyKey()
                  : "primaryKey";
          String groupKey = secretValue(ns, secret, keyName);
          for (int i = 1; i <= 3; i++) {
            String id = gid + "-device-" + i;
            runs.add(
                register(
                    "EnrollmentGroup " + gid,
                    id,
                    "key derived from the group key",
                    () ->
                        client.registerWithSymmetricKey(
                            id, DeviceKeys.derive(groupKey, id), Optional.empty())));
          }
        }
        case X509 -> {
          CertificateAuthority ca = null;
          if (a.getX509().getSigningCertificates() != null) {
            ca =
                certificates
                    .caInSecret(ns, a.getX509().getSigningCertificates().getPrimary().getName())
                    .orElse(null);
          } else if (a.getX509().getCaReferences() != null) {
            ca = certificates.verified(a.getX509().getCaReferences().getPrimary()).orElse(null);
          }
          if (ca != null) {
            for (int i = 1; i <= 2; i++) {
              var leaf = ca.issueLeaf(gid + "-device-" + i);
              runs.add(
                  register(
                      "EnrollmentGroup " + gid,
                      leaf.commonName(),
                      "X.509 chain to the group certificate",
                      () -> client.registerWithX509(leaf.chainPem(), leaf.privateKeyPem())));
            }
          }
        }
      }
    }
    return runs;
  }

  private interface Registration {
    io.dpsoperator.device.RegistrationResult call() throws Exception;
  }

  private DeviceRun register(String kind, String id, String via, Registration registration) {
    table.detach();
    try {
      var r = registration.call();
      out.printf(
          "Device %-28s %-38s -> %s %s%n",
          id, "(" + via + ")", r.status(), r.assignedHub() == null ? "" : r.assignedHub());
      return new DeviceRun(kind, id, via, r.status(), r.assignedHub(), r.errorMessage());
    } catch (Exception e) {
      out.printf("Device %-28s %-38s -> failed: %s%n", id, "(" + via + ")", e.getMessage());
      return new DeviceRun(kind, id, via, "error", null, e.getMessage());
    }
  }

  private String secretValue(String ns, String name, String key) {
    Secret s = kube.secrets().inNamespace(ns).withName(name).get();
    if (s == null) {
      throw new IllegalStateException("Secret " + ns + "/" + name + " not found");
    }
    if (s.getData() != null && s.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8)
          .trim();
    }
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return s.getStringData().get(key).trim();
    }
    throw new IllegalStateException("Secret " + ns + "/" + name + " has no key " + key);
  }
}
