package io.dpsoperator.demo;

import io.dpsoperator.emulator.CertificateAuthority;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plays cert-manager for the demo (no controller runs here): CA Certificates become self-signed
 * CAs, Certificates of a CA Issuer become leaves it signs, each in the Secret cert-manager would
 * write. Also makes the CA certificates a DPS instance would hold as verified, for caReferences.
 */
final class CertManagerStandIn {
  private final Map<String, CertificateAuthority> authorities = new LinkedHashMap<>();
  private final Map<String, CertificateAuthority.IssuedCertificate> issued = new LinkedHashMap<>();

  /** A CA "verified on the DPS instance" under this name. */
  CertificateAuthority verifiedCa(String name) {
    return authorities.computeIfAbsent(
        "verified:" + name, k -> CertificateAuthority.createRoot(name));
  }

  /** The verified CA of that name, if the demo made one. */
  Optional<CertificateAuthority> verified(String name) {
    return Optional.ofNullable(authorities.get("verified:" + name));
  }

  /** The CA held in a Secret the demo issued. */
  Optional<CertificateAuthority> caInSecret(String namespace, String secret) {
    return Optional.ofNullable(authorities.get(namespace + "/" + secret));
  }

  /** The leaf (with its private key) held in a Secret the demo issued. */
  Optional<CertificateAuthority.IssuedCertificate> leafInSecret(String namespace, String secret) {
    return Optional.ofNullable(issued.get(namespace + "/" + secret));
  }

  /** The Secret cert-manager would make for a Certificate: a CA, or a leaf of a CA Issuer. */
  Secret issue(GenericKubernetesResource cert, Samples samples) {
    String ns = Samples.namespaceOf(cert);
    String secretName = Samples.string(cert, "spec.secretName").orElseThrow();
    String commonName =
        Samples.string(cert, "spec.commonName").orElse(cert.getMetadata().getName());
    boolean isCa =
        Samples.path(cert, "spec.isCA")
            .map(v -> Boolean.parseBoolean(String.valueOf(v)))
            .orElse(false);
    Map<String, String> data = new LinkedHashMap<>();
    if (isCa) {
      CertificateAuthority ca = CertificateAuthority.createRoot(commonName);
      authorities.put(ns + "/" + secretName, ca);
      data.put("tls.crt", ca.certificatePem());
      data.put("tls.key", ca.privateKeyPem());
      data.put("ca.crt", ca.certificatePem());
    } else {
      String issuer = Samples.string(cert, "spec.issuerRef.name").orElseThrow();
      String caSecret =
          samples
              .find("Issuer", ns, issuer)
              .flatMap(i -> Samples.string(i, "spec.ca.secretName"))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the demo plays only CA Issuers; " + issuer + " is not one"));
      CertificateAuthority ca = authorities.get(ns + "/" + caSecret);
      var leaf = ca.issueLeaf(commonName);
      issued.put(ns + "/" + secretName, leaf);
      data.put("tls.crt", leaf.chainPem());
      data.put("tls.key", leaf.privateKeyPem());
      data.put("ca.crt", ca.certificatePem());
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName)
        .withNamespace(ns)
        .addToAnnotations("cert-manager.io/certificate-name", cert.getMetadata().getName())
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withStringData(data)
        .build();
  }
}
