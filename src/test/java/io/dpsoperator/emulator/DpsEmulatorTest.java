package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API of {@link DpsEmulator}: defaults, accessors, custom TLS, lifecycle. */
class DpsEmulatorTest {

  @Test
  void defaultsAndAccessors(@TempDir Path certs) throws Exception {
    DpsEmulator dps = DpsEmulator.builder().certificateDirectory(certs).build();
    assertThatThrownBy(dps::port).isInstanceOf(IllegalStateException.class);
    dps.start();
    try {
      assertThat(dps.idScope()).matches("0ne[0-9A-F]{8}");
      assertThat(dps.hostName()).isEqualTo("localhost:" + dps.port());
      assertThat(dps.deviceEndpoint()).isEqualTo(dps.hostName());
      assertThat(dps.serviceConnectionString())
          .matches(
              "HostName=localhost:\\d+;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=[A-Za-z0-9+/=]{44}");
      assertThat(dps.caCertificateFile()).isEqualTo(certs.resolve("ca.pem"));
      assertThat(Files.readString(dps.caCertificateFile())).isEqualTo(dps.caCertificatePem());
      assertThat(certs.resolve("server.pem")).exists();
      assertThat(dps.linkedHubs()).containsExactly(DpsEmulator.DEFAULT_HUB);
      assertThat(dps.adminPort()).isEqualTo(-1);
      // the server certificate names localhost and 127.0.0.1
      var server =
          CertificateAuthority.readCertificates(Files.readString(certs.resolve("server.pem")))
              .get(0);
      assertThat(server.getSubjectAlternativeNames())
          .extracting(l -> l.get(1).toString())
          .contains("localhost", "127.0.0.1");
      assertThat(new TestClient(dps).service("GET", "/enrollments/x", null).status())
          .isEqualTo(404);
    } finally {
      dps.close();
      dps.close();
    }
    // the port is released
    try (ServerSocket s = new ServerSocket(dps.port())) {
      assertThat(s.getLocalPort()).isEqualTo(dps.port());
    }
  }

  @Test
  void customTlsCertificateAndIdScope() {
    CertificateAuthority root = CertificateAuthority.createRoot("my-root");
    CertificateAuthority intermediate = root.createIntermediate("my-intermediate");
    CertificateAuthority.IssuedCertificate server =
        intermediate.issueServer(List.of("localhost"), List.of("127.0.0.1"));
    try (DpsEmulator dps =
        DpsEmulator.builder()
            .tls(server.chainPem(), server.privateKeyPem())
            .idScope("0ne00000001")
            .build()
            .start()) {
      assertThat(dps.caCertificatePem()).isEqualTo(root.certificatePem());
      assertThat(dps.idScope()).isEqualTo("0ne00000001");
      assertThat(
              new TestClient(dps)
                  .service(
                      "PUT",
                      "/enrollments/tls-dev",
                      Map.of("attestation", Map.of("type", "symmetricKey")))
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void pemHelpersRoundTrip() {
    CertificateAuthority root = CertificateAuthority.createRoot("pem-root");
    CertificateAuthority copy =
        CertificateAuthority.load(root.certificatePem(), root.privateKeyPem());
    CertificateAuthority.IssuedCertificate leaf = copy.issueLeaf("pem-leaf");
    assertThat(X509Support.signedBy(leaf.certificate(), root.certificate())).isTrue();
    assertThat(leaf.commonName()).isEqualTo("pem-leaf");
    assertThat(CertificateAuthority.readCertificates(leaf.chainPem())).hasSize(2);
    assertThat(CertificateAuthority.parseCertificate(X509Support.der64(leaf.certificate())))
        .isEqualTo(leaf.certificate());
    assertThat(CertificateAuthority.readPrivateKey(leaf.privateKeyPem()))
        .isEqualTo(leaf.privateKey());
  }
}
