package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.AttestationType;
import io.dpsoperator.api.v1alpha1.CertificateRef;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.EnrollmentGroupSpec;
import io.dpsoperator.api.v1alpha1.GroupAttestationSpec;
import io.dpsoperator.api.v1alpha1.GroupAttestationType;
import io.dpsoperator.api.v1alpha1.GroupX509AttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualAttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.IndividualX509AttestationSpec;
import io.dpsoperator.api.v1alpha1.SymmetricKeyAttestationSpec;
import io.dpsoperator.api.v1alpha1.SymmetricKeySecretRef;
import io.dpsoperator.api.v1alpha1.TpmAttestationSpec;
import io.dpsoperator.api.v1alpha1.X509CertificatesSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;

/** Small builders for test resources. */
public final class Fixtures {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Fixtures() {}

  /**
   * Waits until the clock is in a later second than {@code instant}: Kubernetes creation timestamps
   * have whole seconds, and a DPS record created in or after its resource's creation second counts
   * as created for it.
   */
  public static void awaitNextSecond(java.time.Instant instant) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(3))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(
            () ->
                java.time.Instant.now()
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .isAfter(instant));
  }

  public static String randomKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  public static IndividualEnrollment enrollment(
      String ns, String name, Consumer<IndividualEnrollmentSpec> spec) {
    IndividualEnrollment r = new IndividualEnrollment();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    IndividualEnrollmentSpec s = new IndividualEnrollmentSpec();
    spec.accept(s);
    r.setSpec(s);
    return r;
  }

  public static Consumer<IndividualEnrollmentSpec> keysFromSecret(String secret) {
    return s -> {
      IndividualAttestationSpec a = new IndividualAttestationSpec();
      a.setType(AttestationType.SYMMETRIC_KEY);
      SymmetricKeyAttestationSpec sk = new SymmetricKeyAttestationSpec();
      SymmetricKeySecretRef ref = new SymmetricKeySecretRef();
      ref.setName(secret);
      sk.setSecretRef(ref);
      a.setSymmetricKey(sk);
      s.setAttestation(a);
    };
  }

  public static Consumer<IndividualEnrollmentSpec> generatedKeys() {
    return s -> {
      IndividualAttestationSpec a = new IndividualAttestationSpec();
      a.setType(AttestationType.SYMMETRIC_KEY);
      a.setSymmetricKey(new SymmetricKeyAttestationSpec());
      s.setAttestation(a);
    };
  }

  public static Consumer<IndividualEnrollmentSpec> x509FromSecret(String secret) {
    return s -> {
      IndividualAttestationSpec a = new IndividualAttestationSpec();
      a.setType(AttestationType.X509);
      IndividualX509AttestationSpec x = new IndividualX509AttestationSpec();
      X509CertificatesSpec certs = new X509CertificatesSpec();
      CertificateRef ref = new CertificateRef();
      ref.setName(secret);
      certs.setPrimary(ref);
      x.setClientCertificates(certs);
      a.setX509(x);
      s.setAttestation(a);
    };
  }

  public static Consumer<IndividualEnrollmentSpec> tpm(String endorsementKey) {
    return s -> {
      IndividualAttestationSpec a = new IndividualAttestationSpec();
      a.setType(AttestationType.TPM);
      TpmAttestationSpec t = new TpmAttestationSpec();
      t.setEndorsementKey(endorsementKey);
      a.setTpm(t);
      s.setAttestation(a);
    };
  }

  public static EnrollmentGroup group(String ns, String name, Consumer<EnrollmentGroupSpec> spec) {
    EnrollmentGroup r = new EnrollmentGroup();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    EnrollmentGroupSpec s = new EnrollmentGroupSpec();
    spec.accept(s);
    r.setSpec(s);
    return r;
  }

  public static Consumer<EnrollmentGroupSpec> groupKeysFromSecret(String secret) {
    return s -> {
      GroupAttestationSpec a = new GroupAttestationSpec();
      a.setType(GroupAttestationType.SYMMETRIC_KEY);
      SymmetricKeyAttestationSpec sk = new SymmetricKeyAttestationSpec();
      if (secret != null) {
        SymmetricKeySecretRef ref = new SymmetricKeySecretRef();
        ref.setName(secret);
        sk.setSecretRef(ref);
      }
      a.setSymmetricKey(sk);
      s.setAttestation(a);
    };
  }

  public static Consumer<EnrollmentGroupSpec> signingCertFromSecret(String secret, String key) {
    return s -> {
      GroupAttestationSpec a = new GroupAttestationSpec();
      a.setType(GroupAttestationType.X509);
      GroupX509AttestationSpec x = new GroupX509AttestationSpec();
      X509CertificatesSpec certs = new X509CertificatesSpec();
      CertificateRef ref = new CertificateRef();
      ref.setName(secret);
      ref.setKey(key);
      certs.setPrimary(ref);
      x.setSigningCertificates(certs);
      a.setX509(x);
      s.setAttestation(a);
    };
  }
}
