package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsoperator.api.v1alpha1.ClusterDpsConnection;
import io.dpsoperator.api.v1alpha1.DpsConnection;
import io.dpsoperator.api.v1alpha1.EnrollmentGroup;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in deploy/samples: dpsoperator.io objects pass their CRD's OpenAPI schema and CEL
 * rules and read into the Java model; the other objects (Secret, cert-manager Certificate and
 * Issuer) parse, and every Secret a sample refers to is defined in the same file.
 */
class SamplesTest {
  static final Path SAMPLES = Path.of("deploy/samples");

  static Stream<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void oneSamplePerAttestationTypeForBothKinds() throws IOException {
    assertThat(samples().map(p -> p.getFileName().toString()))
        .contains(
            "dps-connection-secret.yaml",
            "individualenrollment-symmetrickey.yaml",
            "individualenrollment-generated-keys.yaml",
            "individualenrollment-x509.yaml",
            "individualenrollment-tpm.yaml",
            "enrollmentgroup-symmetrickey.yaml",
            "enrollmentgroup-x509.yaml",
            "enrollmentgroup-careferences.yaml",
            "dpsconnection-sas.yaml",
            "clusterdpsconnection-workload-identity.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void dpsObjectsAreValidAndOthersParse(Path sample) throws IOException {
    List<Map<String, Object>> docs = Crds.readAll(sample);
    assertThat(docs).isNotEmpty();
    for (Map<String, Object> doc : docs) {
      String apiVersion = (String) doc.get("apiVersion");
      String kind = (String) doc.get("kind");
      String name = (String) Crds.path(doc, "metadata", "name");
      if (apiVersion.startsWith("dpsoperator.io/")) {
        assertThat(apiVersion).isEqualTo("dpsoperator.io/v1alpha1");
        assertThat(CrdValidator.forKind(kind).validate(doc))
            .as("%s %s in %s", kind, name, sample)
            .isEmpty();
        Class<? extends HasMetadata> type =
            switch (kind) {
              case "IndividualEnrollment" -> IndividualEnrollment.class;
              case "EnrollmentGroup" -> EnrollmentGroup.class;
              case "DpsConnection" -> DpsConnection.class;
              default -> ClusterDpsConnection.class;
            };
        HasMetadata typed = Serialization.jsonMapper().convertValue(doc, type);
        assertThat(typed.getMetadata().getNamespace())
            .isEqualTo(type == ClusterDpsConnection.class ? null : "default");
      } else {
        HasMetadata parsed = Serialization.unmarshal(Crds.YAML.writeValueAsString(doc));
        assertThat(parsed.getMetadata().getName()).isNotBlank();
        if (parsed instanceof Secret) {
          assertThat(kind).isEqualTo("Secret");
        } else {
          assertThat(parsed).isInstanceOf(GenericKubernetesResource.class);
          assertThat(apiVersion).as("%s in %s", kind, sample).isEqualTo("cert-manager.io/v1");
          assertThat(kind).isIn("Certificate", "Issuer");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void referencedSecretsAreDefinedInTheSample(Path sample) {
    List<Map<String, Object>> docs = Crds.readAll(sample);
    Set<String> defined = new HashSet<>();
    for (Map<String, Object> doc : docs) {
      if ("Secret".equals(doc.get("kind"))) {
        defined.add((String) Crds.path(doc, "metadata", "name"));
      }
      if ("Certificate".equals(doc.get("kind"))) {
        defined.add((String) Crds.path(doc, "spec", "secretName"));
      }
    }
    for (Map<String, Object> doc : docs) {
      if (String.valueOf(doc.get("apiVersion")).startsWith("dpsoperator.io/")) {
        assertThat(defined).as("Secrets of %s", sample).containsAll(secretRefs(doc));
      }
      if ("Issuer".equals(doc.get("kind")) && Crds.path(doc, "spec", "ca") != null) {
        assertThat(defined).contains((String) Crds.path(doc, "spec", "ca", "secretName"));
      }
    }
  }

  /** DPS accepts an X.509 individual enrollment only when the certificate's CN is its id. */
  @Test
  @SuppressWarnings("unchecked")
  void x509SampleCertificateCommonNameIsTheRegistrationId() {
    List<Map<String, Object>> docs =
        Crds.readAll(SAMPLES.resolve("individualenrollment-x509.yaml"));
    Map<String, Object> enrollment =
        docs.stream()
            .filter(d -> "IndividualEnrollment".equals(d.get("kind")))
            .findFirst()
            .orElseThrow();
    String secret =
        (String)
            Crds.path(
                enrollment, "spec", "attestation", "x509", "clientCertificates", "primary", "name");
    Map<String, Object> certificate =
        docs.stream()
            .filter(d -> "Certificate".equals(d.get("kind")))
            .filter(d -> secret.equals(Crds.path(d, "spec", "secretName")))
            .findFirst()
            .orElseThrow();
    assertThat(Crds.path(certificate, "spec", "commonName"))
        .isEqualTo(Crds.path(enrollment, "metadata", "name"));
    assertThat((List<Object>) Crds.path(certificate, "spec", "usages")).contains("client auth");
  }

  @Test
  void sampleSymmetricKeysAreBase64OfSixteenToSixtyFourBytes() {
    for (String file :
        List.of("individualenrollment-symmetrickey.yaml", "enrollmentgroup-symmetrickey.yaml")) {
      Crds.readAll(SAMPLES.resolve(file)).stream()
          .filter(d -> "Secret".equals(d.get("kind")))
          .map(d -> (Map<?, ?>) d.get("stringData"))
          .filter(data -> data.containsKey("primaryKey"))
          .forEach(
              data -> {
                for (Object key : List.of(data.get("primaryKey"), data.get("secondaryKey"))) {
                  assertThat(Base64.getDecoder().decode((String) key).length).isBetween(16, 64);
                }
              });
    }
  }

  @Test
  void connectionSecretLivesInTheOperatorNamespace() {
    Map<String, Object> secret = Crds.readAll(SAMPLES.resolve("dps-connection-secret.yaml")).get(0);
    assertThat(Crds.path(secret, "metadata", "name")).isEqualTo("dps-connection");
    assertThat(Crds.path(secret, "metadata", "namespace")).isEqualTo("dps-operator");
    assertThat((String) Crds.path(secret, "stringData", "connectionString"))
        .startsWith("HostName=")
        .contains(";SharedAccessKeyName=")
        .contains(";SharedAccessKey=");
  }

  /** The names of the Secrets a dpsoperator.io object refers to. */
  @SuppressWarnings("unchecked")
  private static List<String> secretRefs(Map<String, Object> object) {
    List<String> names = new ArrayList<>();
    Map<String, Object> spec = (Map<String, Object>) object.get("spec");
    Object[][] refs = {
      {"attestation", "symmetricKey", "secretRef", "name"},
      {"attestation", "x509", "clientCertificates", "primary", "name"},
      {"attestation", "x509", "clientCertificates", "secondary", "name"},
      {"attestation", "x509", "signingCertificates", "primary", "name"},
      {"attestation", "x509", "signingCertificates", "secondary", "name"},
      {"attestation", "tpm", "endorsementKeyFrom", "secretKeyRef", "name"},
      {"customAllocationDefinition", "webhookUrlSecretRef", "name"},
      {"connectionSecretRef", "name"},
      {"auth", "sasSecretRef", "name"},
    };
    for (Object[] ref : refs) {
      Object name = Crds.path(spec, java.util.Arrays.copyOf(ref, ref.length, String[].class));
      if (name != null) {
        names.add((String) name);
      }
    }
    return names;
  }
}
