package io.dpsoperator.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.tls.HeldCertificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceRegistrationClientX509Test {
  final HeldCertificate deviceRoot =
      new HeldCertificate.Builder().certificateAuthority(1).commonName("Device Root CA").build();
  final HeldCertificate deviceIntermediate =
      new HeldCertificate.Builder()
          .certificateAuthority(0)
          .signedBy(deviceRoot)
          .commonName("Device Intermediate CA")
          .build();
  TestDps dps;

  @BeforeEach
  void start() throws Exception {
    dps = new TestDps(deviceRoot, true);
  }

  @AfterEach
  void stop() throws Exception {
    dps.close();
  }

  HeldCertificate device(String cn, boolean rsa) {
    HeldCertificate.Builder b =
        new HeldCertificate.Builder().signedBy(deviceIntermediate).commonName(cn);
    return (rsa ? b.rsa2048() : b.ecdsa256()).build();
  }

  String chain(HeldCertificate leaf) {
    return leaf.certificatePem() + deviceIntermediate.certificatePem();
  }

  @Test
  void registersByMutualTlsWithThePkcs8KeyAndTheLeafCnAsRegistrationId() throws Exception {
    HeldCertificate device = device("x509-device-01", false);
    dps.enqueue(202, TestDps.assigning("op-x"), "1");
    dps.enqueue(200, TestDps.assigned("op-x", "x509-device-01"));

    RegistrationResult result =
        dps.client()
            .build()
            .registerWithX509(
                chain(device), device.privateKeyPkcs8Pem(), Optional.of(Map.of("site", "a")));

    assertThat(result.status()).isEqualTo("assigned");
    assertThat(result.registrationId()).isEqualTo("x509-device-01");
    RecordedRequest put = dps.server.takeRequest();
    assertThat(put.getPath())
        .isEqualTo(
            "/"
                + TestDps.ID_SCOPE
                + "/registrations/x509-device-01/register?api-version=2021-06-01");
    assertThat(put.getHeader("Authorization")).isNull();
    assertThat(new ObjectMapper().readTree(put.getBody().readUtf8()).get("registrationId").asText())
        .isEqualTo("x509-device-01");
    List<Certificate> presented = put.getHandshake().peerCertificates();
    assertThat(presented).containsExactly(device.certificate(), deviceIntermediate.certificate());

    RecordedRequest poll = dps.server.takeRequest();
    assertThat(poll.getHeader("Authorization")).isNull();
    assertThat(poll.getHandshake().peerCertificates()).first().isEqualTo(device.certificate());
  }

  @Test
  void readsAPkcs1RsaKey() throws Exception {
    HeldCertificate device = device("x509-rsa", true);
    dps.enqueue(200, TestDps.assigned("op-r", "x509-rsa"));

    String keyPem = device.privateKeyPkcs1Pem();
    assertThat(keyPem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    RegistrationResult result = dps.client().build().registerWithX509(chain(device), keyPem);

    assertThat(result.isAssigned()).isTrue();
    assertThat(dps.server.takeRequest().getHandshake().peerCertificates())
        .first()
        .isEqualTo(device.certificate());
  }

  @Test
  void readsASec1EcKey() throws Exception {
    HeldCertificate device = device("x509-ec", false);
    dps.enqueue(200, TestDps.assigned("op-e", "x509-ec"));
    // As openssl ecparam -genkey writes it: the curve first, then the SEC1 key with its curve.
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(device.keyPair().getPrivate().getEncoded());
    ASN1Encodable curve = pkcs8.getPrivateKeyAlgorithm().getParameters();
    ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
    ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), curve);
    StringWriter pem = new StringWriter();
    try (PemWriter writer = new PemWriter(pem)) {
      writer.writeObject(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded()));
      writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    assertThat(pem.toString()).contains("-----BEGIN EC PRIVATE KEY-----");

    RegistrationResult result =
        dps.client().build().registerWithX509(chain(device), pem.toString());

    assertThat(result.isAssigned()).isTrue();
    assertThat(dps.server.takeRequest().getHandshake().peerCertificates())
        .first()
        .isEqualTo(device.certificate());
  }

  @Test
  void refusesAKeyOfAnotherCertificateWithoutQuotingIt() {
    HeldCertificate device = device("x509-device-01", false);
    HeldCertificate other = device("x509-device-02", false);
    String otherKey = other.privateKeyPkcs8Pem();

    assertThatThrownBy(() -> dps.client().build().registerWithX509(chain(device), otherKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match")
        .message()
        .doesNotContain("PRIVATE KEY-----");
    assertThatThrownBy(
            () ->
                dps.client()
                    .build()
                    .registerWithX509(chain(device), "-----BEGIN PRIVATE KEY-----\nAAAA\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("AAAA");
    assertThat(dps.server.getRequestCount()).isZero();
  }

  @Test
  void failsTheHandshakeWhenTheServerDoesNotTrustTheDevice() {
    HeldCertificate strangerRoot =
        new HeldCertificate.Builder().certificateAuthority(0).commonName("Stranger CA").build();
    HeldCertificate stranger =
        new HeldCertificate.Builder().signedBy(strangerRoot).commonName("stranger").build();

    assertThatThrownBy(
            () ->
                dps.client()
                    .build()
                    .registerWithX509(stranger.certificatePem(), stranger.privateKeyPkcs8Pem()))
        .isInstanceOfSatisfying(
            DeviceRegistrationException.class, e -> assertThat(e.httpStatus()).isZero());
  }

  @Test
  void presentsTheCertificateWhenTheServerOnlyRequestsOne() throws Exception {
    // The emulator's mode: symmetric-key devices must get through without a certificate.
    try (TestDps requesting = new TestDps(deviceRoot, false)) {
      HeldCertificate device = device("x509-device-03", false);
      requesting.enqueue(200, TestDps.assigned("op-q", "x509-device-03"));
      requesting.enqueue(200, TestDps.assigned("op-s", "sym-device"));
      DeviceRegistrationClient client = requesting.client().build();

      client.registerWithX509(chain(device), device.privateKeyPkcs8Pem());
      client.registerWithSymmetricKey("sym-device", DeviceRegistrationClientTest.DEVICE_KEY);

      assertThat(requesting.server.takeRequest().getHandshake().peerCertificates())
          .first()
          .isEqualTo(device.certificate());
      RecordedRequest symmetric = requesting.server.takeRequest();
      assertThat(symmetric.getHandshake().peerCertificates()).isEmpty();
      assertThat(symmetric.getHeader("Authorization")).startsWith("SharedAccessSignature ");
    }
  }

  @Test
  void offersTheIdentityWhateverIssuersTheServerNames() throws Exception {
    HeldCertificate device = device("x509-device-04", false);
    DeviceTls.Identity identity =
        DeviceTls.parseIdentity(chain(device), device.privateKeyPkcs8Pem());
    X509ExtendedKeyManager keyManager = DeviceTls.keyManager(identity);

    String alias =
        keyManager.chooseClientAlias(
            new String[] {"EC"}, new Principal[] {new X500Principal("CN=Someone Else")}, null);

    assertThat(alias).isNotNull();
    assertThat(keyManager.getCertificateChain(alias))
        .containsExactly(device.certificate(), deviceIntermediate.certificate());
    assertThat(keyManager.chooseClientAlias(new String[] {"RSA"}, null, null)).isNull();
    assertThat(identity.commonName()).isEqualTo("x509-device-04");
  }
}
