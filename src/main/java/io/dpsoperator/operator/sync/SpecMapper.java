package io.dpsoperator.operator.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.api.v1alpha1.CapabilitiesSpec;
import io.dpsoperator.api.v1alpha1.CertificateRef;
import io.dpsoperator.api.v1alpha1.CertificateStatus;
import io.dpsoperator.api.v1alpha1.CustomAllocationSpec;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.InitialTwinSpec;
import io.dpsoperator.api.v1alpha1.ReprovisionPolicySpec;
import io.dpsoperator.api.v1alpha1.SymmetricKeyAttestationSpec;
import io.dpsoperator.api.v1alpha1.X509CertificatesSpec;
import io.dpsoperator.dps.model.AllocationPolicy;
import io.dpsoperator.dps.model.AttestationMechanism;
import io.dpsoperator.dps.model.CustomAllocationDefinition;
import io.dpsoperator.dps.model.DeviceCapabilities;
import io.dpsoperator.dps.model.InitialTwin;
import io.dpsoperator.dps.model.InitialTwinProperties;
import io.dpsoperator.dps.model.ProvisioningStatus;
import io.dpsoperator.dps.model.ReprovisionPolicy;
import io.dpsoperator.dps.model.SymmetricKeyAttestation;
import io.dpsoperator.dps.model.X509CertificateWithInfo;
import io.dpsoperator.dps.model.X509Certificates;
import io.dpsoperator.operator.secrets.ObjectRef;
import io.dpsoperator.operator.secrets.PemCertificates;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Maps the spec blocks both kinds share to their DPS wire form. Pure functions. */
public final class SpecMapper {

  private SpecMapper() {}

  /** The name of the Secret holding DPS-generated keys. */
  public static String generatedKeysSecretName(SymmetricKeyAttestationSpec spec, String resource) {
    return spec != null && spec.getGeneratedSecretName() != null
        ? spec.getGeneratedSecretName()
        : resource + "-dps-keys";
  }

  /** The Secret that holds a symmetric-key attestation's keys: referenced, or owned. */
  public static String keysSecretName(SymmetricKeyAttestationSpec spec, String resource) {
    return spec != null && spec.getSecretRef() != null
        ? spec.getSecretRef().getName()
        : generatedKeysSecretName(spec, resource);
  }

  /** The Secrets holding the primary and secondary certificate, as references. */
  public static void addCertificateSecrets(
      List<ObjectRef> refs, String namespace, X509CertificatesSpec certificates) {
    if (certificates == null) {
      return;
    }
    for (CertificateRef ref :
        Arrays.asList(certificates.getPrimary(), certificates.getSecondary())) {
      if (ref != null) {
        refs.add(ObjectRef.secret(namespace, ref.getName()));
      }
    }
  }

  /** The Secret holding the custom allocation webhook URL, if the spec names one. */
  public static void addWebhookSecret(List<ObjectRef> refs, String namespace, DpsRecordSpec spec) {
    CustomAllocationSpec custom = spec.getCustomAllocationDefinition();
    if (custom != null && custom.getWebhookUrlSecretRef() != null) {
      refs.add(ObjectRef.secret(namespace, custom.getWebhookUrlSecretRef().getName()));
    }
  }

  /** The keys of a symmetric-key attestation: from the referenced Secret, or generated. */
  public static KeySource symmetricKeys(
      SymmetricKeyAttestationSpec spec, String resourceName, Material material) throws SyncFailure {
    if (spec != null && spec.getSecretRef() != null) {
      var ref = spec.getSecretRef();
      String primary = material.secretValue(ref.getName(), ref.getPrimaryKeyKey(), "primary key");
      String secondary =
          material.secretValue(ref.getName(), ref.getSecondaryKeyKey(), "secondary key");
      checkKey(ref.getName(), ref.getPrimaryKeyKey(), primary);
      checkKey(ref.getName(), ref.getSecondaryKeyKey(), secondary);
      return new KeySource(
          Optional.of(new SymmetricKeyAttestation(primary, secondary)), Optional.empty());
    }
    String owned = generatedKeysSecretName(spec, resourceName);
    Optional<SymmetricKeyAttestation> existing =
        material
            .secret(owned)
            .filter(d -> isKey(d.get("primaryKey")) && isKey(d.get("secondaryKey")))
            .map(
                d ->
                    new SymmetricKeyAttestation(
                        d.get("primaryKey").trim(), d.get("secondaryKey").trim()));
    return new KeySource(existing, Optional.of(owned));
  }

  /**
   * Symmetric keys and where they live.
   *
   * @param keys the keys, when known
   * @param generatedSecret the owned Secret, when DPS generates the keys
   */
  public record KeySource(
      Optional<SymmetricKeyAttestation> keys, Optional<String> generatedSecret) {

    /** The attestation to send: these keys, or none so that DPS generates them. */
    public AttestationMechanism attestation() {
      return AttestationMechanism.symmetricKey(
          keys.orElse(new SymmetricKeyAttestation(null, null)));
    }
  }

  private static void checkKey(String secret, String key, String value) throws SyncFailure {
    if (!isKey(value)) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SECRET,
          "Secret key '"
              + key
              + "' of "
              + secret
              + " is not a valid DPS key (base64 of 16 to 64 bytes)");
    }
  }

  static boolean isKey(String value) {
    if (value == null) {
      return false;
    }
    try {
      int n = Base64.getDecoder().decode(value.trim()).length;
      return n >= 16 && n <= 64;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Reads certificates from Secrets: the first certificate of each PEM, with status facts. */
  public static X509Certificates certificates(
      X509CertificatesSpec spec, Material material, List<CertificateStatus> statuses)
      throws SyncFailure {
    X509CertificateWithInfo primary = certificate(spec.getPrimary(), "primary", material, statuses);
    X509CertificateWithInfo secondary =
        spec.getSecondary() == null
            ? null
            : certificate(spec.getSecondary(), "secondary", material, statuses);
    return new X509Certificates(primary, secondary);
  }

  private static X509CertificateWithInfo certificate(
      CertificateRef ref, String role, Material material, List<CertificateStatus> statuses)
      throws SyncFailure {
    String pem = material.secretValue(ref.getName(), ref.getKey(), role + " certificate");
    X509Certificate cert;
    try {
      cert = PemCertificates.first(pem);
    } catch (IllegalArgumentException e) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SECRET,
          "Secret key '" + ref.getKey() + "' of " + ref.getName() + ": " + e.getMessage());
    }
    CertificateStatus s = new CertificateStatus();
    s.setRole(role);
    s.setSubject(cert.getSubjectX500Principal().getName());
    s.setIssuer(cert.getIssuerX500Principal().getName());
    s.setSha256Thumbprint(PemCertificates.sha256(cert));
    s.setNotBefore(cert.getNotBefore().toInstant().toString());
    s.setNotAfter(cert.getNotAfter().toInstant().toString());
    statuses.add(s);
    return new X509CertificateWithInfo(PemCertificates.toPem(cert), null);
  }

  public static ProvisioningStatus provisioningStatus(
      io.dpsoperator.api.v1alpha1.ProvisioningStatus s) {
    return s == io.dpsoperator.api.v1alpha1.ProvisioningStatus.DISABLED
        ? ProvisioningStatus.DISABLED
        : ProvisioningStatus.ENABLED;
  }

  public static AllocationPolicy allocationPolicy(io.dpsoperator.api.v1alpha1.AllocationPolicy p) {
    if (p == null) {
      return null;
    }
    return switch (p) {
      case HASHED -> AllocationPolicy.HASHED;
      case GEO_LATENCY -> AllocationPolicy.GEO_LATENCY;
      case STATIC -> AllocationPolicy.STATIC;
      case CUSTOM -> AllocationPolicy.CUSTOM;
    };
  }

  public static List<String> iotHubs(List<String> hubs) {
    return hubs == null || hubs.isEmpty() ? null : new ArrayList<>(hubs);
  }

  /** The webhook, with its URL inline or from a Secret. */
  public static CustomAllocationDefinition customAllocation(
      CustomAllocationSpec spec, Material material) throws SyncFailure {
    if (spec == null) {
      return null;
    }
    String url =
        spec.getWebhookUrlSecretRef() != null
            ? material.secretValue(
                spec.getWebhookUrlSecretRef().getName(),
                spec.getWebhookUrlSecretRef().getKey(),
                "custom allocation webhook URL")
            : spec.getWebhookUrl();
    if (url == null || !url.startsWith("https://")) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          "customAllocationDefinition: the webhook URL must start with https://");
    }
    return new CustomAllocationDefinition(
        url, spec.getApiVersion() == null ? "2021-10-01" : spec.getApiVersion());
  }

  public static InitialTwin initialTwin(InitialTwinSpec spec) throws SyncFailure {
    if (spec == null) {
      return null;
    }
    ObjectNode tags = object(spec.getTags(), "initialTwin.tags");
    ObjectNode desired =
        spec.getProperties() == null
            ? null
            : object(spec.getProperties().getDesired(), "initialTwin.properties.desired");
    return new InitialTwin(tags, desired == null ? null : new InitialTwinProperties(desired));
  }

  public static ObjectNode object(JsonNode node, String field) throws SyncFailure {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw SyncFailure.terminal(Reasons.INVALID_SPEC, field + " must be a JSON object");
    }
    return ((ObjectNode) node).deepCopy();
  }

  public static DeviceCapabilities capabilities(CapabilitiesSpec spec) {
    return new DeviceCapabilities(spec != null && spec.isIotEdge());
  }

  public static ReprovisionPolicy reprovisionPolicy(ReprovisionPolicySpec spec) {
    boolean update =
        spec == null || spec.getUpdateHubAssignment() == null || spec.getUpdateHubAssignment();
    boolean migrate =
        spec == null || spec.getMigrateDeviceData() == null || spec.getMigrateDeviceData();
    return new ReprovisionPolicy(update, migrate);
  }
}
