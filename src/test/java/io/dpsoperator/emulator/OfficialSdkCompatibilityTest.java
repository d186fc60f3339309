package io.dpsoperator.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.azure.sdk.iot.provisioning.device.AdditionalData;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceRegistrationState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import io.dpsoperator.emulator.TestClient.Resp;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The official Azure IoT SDKs for Java, unchanged, against the emulator: the device client
 * (provisioning-device-client 2.1.3) over HTTPS on any port, and the service client
 * (provisioning-service-client 2.0.3), which only talks to port 443.
 */
class OfficialSdkCompatibilityTest {

  static ProvisioningDeviceClientRegistrationResult register(
      DpsEmulator dps, SecurityProvider security, String payload) throws Exception {
    ProvisioningDeviceClient client =
        ProvisioningDeviceClient.create(
            dps.deviceEndpoint(),
            dps.idScope(),
            ProvisioningDeviceClientTransportProtocol.HTTPS,
            security);
    try {
      if (payload == null) {
        return client.registerDeviceSync(30);
      }
      AdditionalData data = new AdditionalData();
      data.setProvisioningPayload(payload);
      return client.registerDeviceSync(data, 30);
    } finally {
      client.close();
    }
  }

  static SecurityProvider symmetricKey(DpsEmulator dps, String key, String registrationId) {
    SSLContext ssl = dps.clientSslContext();
    return new SecurityProviderSymmetricKey(key.getBytes(), registrationId) {
      @Override
      public SSLContext getSSLContext() {
        return ssl;
      }
    };
  }

  static SecurityProvider x509(DpsEmulator dps, CertificateAuthority.IssuedCertificate device) {
    List<X509Certificate> intermediates =
        device.issuerChain().subList(0, Math.max(0, device.issuerChain().size() - 1));
    return new SecurityProviderX509() {
      @Override
      public String getClientCertificateCommonName() {
        return device.commonName();
      }

      @Override
      public X509Certificate getClientCertificate() {
        return device.certificate();
      }

      @Override
      public Key getClientPrivateKey() {
        return device.privateKey();
      }

      @Override
      public Collection<X509Certificate> getIntermediateCertificatesChain() {
        return intermediates;
      }

      @Override
      public SSLContext getSSLContext() {
        try {
          KeyStore ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          List<X509Certificate> chain = new ArrayList<>();
          chain.add(device.certificate());
          chain.addAll(intermediates);
          ks.setKeyEntry(
              "device", device.privateKey(), new char[0], chain.toArray(X509Certificate[]::new));
          KeyManagerFactory kmf =
              KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(ks, new char[0]);
          KeyStore trust = KeyStore.getInstance("PKCS12");
          trust.load(null, null);
          trust.setCertificateEntry(
              "ca", CertificateAuthority.readCertificates(dps.caCertificatePem()).get(0));
          TrustManagerFactory tmf =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(trust);
          SSLContext ctx = SSLContext.getInstance("TLSv1.2");
          ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
          return ctx;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  @Test
  void deviceClientRegistersSymmetricKeyDevices() throws Exception {
    try (DpsEmulator dps =
        DpsEmulator.builder().linkedHub("hub-sdk.azure-devices.net", 1).build().start()) {
      TestClient client = new TestClient(dps);
      Resp e =
          client.service(
              "PUT",
              "/enrollments/sdk-sym-dev",
              Map.of("attestation", Map.of("type", "symmetricKey")));
      String key = e.json().at("/attestation/symmetricKey/primaryKey").asText();
      ProvisioningDeviceClientRegistrationResult result =
          register(
              dps,
              symmetricKey(dps, key, "sdk-sym-dev"),
              "{\"modelId\":\"dtmi:com:example:Thermostat;1\"}");
      assertThat(result.getProvisioningDeviceClientStatus())
          .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
      assertThat(result.getIothubUri()).isEqualTo("hub-sdk.azure-devices.net");
      assertThat(result.getDeviceId()).isEqualTo("sdk-sym-dev");
      assertThat(result.getRegistrationId()).isEqualTo("sdk-sym-dev");
      assertThat(result.getSubstatus().name()).isEqualTo("INITIAL_ASSIGNMENT");

      // a group member with a derived key
      Resp g =
          client.service(
              "PUT",
              "/enrollmentGroups/sdk-group",
              Map.of("attestation", Map.of("type", "symmetricKey")));
      String groupKey = g.json().at("/attestation/symmetricKey/primaryKey").asText();
      byte[] derived =
          SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
              groupKey.getBytes(), "sdk-group-dev");
      ProvisioningDeviceClientRegistrationResult member =
          register(dps, symmetricKey(dps, new String(derived), "sdk-group-dev"), null);
      assertThat(member.getProvisioningDeviceClientStatus())
          .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
      assertThat(
              client
                  .service("POST", "/registrations/sdk-group/query", "{}")
                  .json()
                  .get(0)
                  .get("registrationId")
                  .asText())
          .isEqualTo("sdk-group-dev");

      // a wrong key is refused
      assertThatThrownBy(() -> register(dps, symmetricKey(dps, groupKey, "sdk-sym-dev"), null))
          .isInstanceOf(ProvisioningDeviceClientException.class);
    }
  }

  @Test
  void deviceClientRegistersX509DevicesByMutualTls() throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("sdk-root");
    CertificateAuthority intermediate = root.createIntermediate("sdk-intermediate");
    try (DpsEmulator dps = DpsEmulator.builder().build().start()) {
      TestClient client = new TestClient(dps);
      CertificateAuthority.IssuedCertificate individual = root.issueLeaf("sdk-x509-dev");
      assertThat(
              client
                  .service(
                      "PUT",
                      "/enrollments/sdk-x509-dev",
                      Map.of(
                          "attestation",
                          Map.of(
                              "type",
                              "x509",
                              "x509",
                              Map.of(
                                  "clientCertificates",
                                  Map.of(
                                      "primary",
                                      Map.of("certificate", individual.certificatePem()))))))
                  .status())
          .isEqualTo(200);
      ProvisioningDeviceClientRegistrationResult r1 = register(dps, x509(dps, individual), null);
      assertThat(r1.getProvisioningDeviceClientStatus())
          .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
      assertThat(r1.getDeviceId()).isEqualTo("sdk-x509-dev");

      assertThat(
              client
                  .service(
                      "PUT",
                      "/enrollmentGroups/sdk-x509-group",
                      Map.of(
                          "attestation",
                          Map.of(
                              "type",
                              "x509",
                              "x509",
                              Map.of(
                                  "signingCertificates",
                                  Map.of(
                                      "primary", Map.of("certificate", root.certificatePem()))))))
                  .status())
          .isEqualTo(200);
      CertificateAuthority.IssuedCertificate member = intermediate.issueLeaf("sdk-x509-member");
      ProvisioningDeviceClientRegistrationResult r2 = register(dps, x509(dps, member), null);
      assertThat(r2.getProvisioningDeviceClientStatus())
          .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
      assertThat(r2.getIothubUri()).isEqualTo(DpsEmulator.DEFAULT_HUB);
    }
  }

  /** The service client validates HostName without a port, so it only reaches port 443. */
  @Test
  void serviceClientWorksOnPort443() throws Exception {
    DpsEmulator dps;
    try {
      dps = DpsEmulator.builder().port(443).bindAddress("127.0.0.1").build().start();
    } catch (RuntimeException e) {
      assumeTrue(false, "port 443 is not available: " + e.getMessage());
      return;
    }
    SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(dps.clientSslContext().getSocketFactory());
    try (dps) {
      assertThat(dps.serviceConnectionString()).startsWith("HostName=localhost;");
      ProvisioningServiceClient service =
          new ProvisioningServiceClient(dps.serviceConnectionString());

      IndividualEnrollment created =
          service.createOrUpdateIndividualEnrollment(
              new IndividualEnrollment("sdk-svc-dev", new SymmetricKeyAttestation("", "")));
      String primary = ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey();
      assertThat(primary).isNotEmpty();
      assertThat(created.getEtag()).isNotEmpty();
      assertThat(created.getCreatedDateTimeUtc()).isNotNull();

      IndividualEnrollment fetched = service.getIndividualEnrollment("sdk-svc-dev");
      assertThat(fetched.getProvisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
      fetched.setProvisioningStatus(ProvisioningStatus.DISABLED);
      IndividualEnrollment updated = service.createOrUpdateIndividualEnrollment(fetched);
      assertThat(updated.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
      assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());

      AttestationMechanism mechanism =
          service.getIndividualEnrollmentAttestationMechanism("sdk-svc-dev");
      assertThat(((SymmetricKeyAttestation) mechanism.getAttestation()).getPrimaryKey())
          .isEqualTo(primary);

      // stale etag
      fetched.setEtag(created.getEtag());
      assertThatThrownBy(() -> service.createOrUpdateIndividualEnrollment(fetched))
          .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);

      // X.509 enrollment: info block parsed by the SDK
      CertificateAuthority root = CertificateAuthority.createRoot("sdk-svc-root");
      CertificateAuthority.IssuedCertificate leaf = root.issueLeaf("sdk-svc-x509");
      IndividualEnrollment x509 =
          service.createOrUpdateIndividualEnrollment(
              new IndividualEnrollment(
                  "sdk-svc-x509",
                  X509Attestation.createFromClientCertificates(leaf.certificatePem())));
      assertThat(
              ((X509Attestation) x509.getAttestation())
                  .getPrimaryX509CertificateInfo()
                  .getSubjectName())
          .contains("sdk-svc-x509");

      // bulk
      List<IndividualEnrollment> bulk = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        bulk.add(new IndividualEnrollment("sdk-bulk-" + i, new SymmetricKeyAttestation("", "")));
      }
      BulkEnrollmentOperationResult bulkResult =
          service.runBulkEnrollmentOperation(BulkOperationMode.CREATE, bulk);
      assertThat(bulkResult.getSuccessful()).isTrue();
      BulkEnrollmentOperationResult again =
          service.runBulkEnrollmentOperation(BulkOperationMode.CREATE, bulk);
      assertThat(again.getSuccessful()).isFalse();
      assertThat(again.getErrors()).hasSize(3);

      // paged query
      Query query =
          service.createIndividualEnrollmentQuery(
              new QuerySpecificationBuilder("*", QuerySpecificationBuilder.FromType.ENROLLMENTS)
                  .createSqlQuery(),
              2);
      List<Object> items = new ArrayList<>();
      int pages = 0;
      while (query.hasNext()) {
        QueryResult page = query.next();
        items.addAll(List.of(page.getItems()));
        pages++;
      }
      assertThat(items).hasSize(5);
      assertThat(pages).isEqualTo(3);

      // groups and registration states, with a device registered through the device SDK
      EnrollmentGroup group =
          service.createOrUpdateEnrollmentGroup(
              new EnrollmentGroup("sdk-svc-group", new SymmetricKeyAttestation("", "")));
      String groupKey =
          ((SymmetricKeyAttestation)
                  service.getEnrollmentGroupAttestationMechanism("sdk-svc-group").getAttestation())
              .getPrimaryKey();
      assertThat(groupKey)
          .isEqualTo(((SymmetricKeyAttestation) group.getAttestation()).getPrimaryKey());
      byte[] derived =
          SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
              groupKey.getBytes(), "sdk-svc-member");
      register(dps, symmetricKey(dps, new String(derived), "sdk-svc-member"), null);
      DeviceRegistrationState state = service.getDeviceRegistrationState("sdk-svc-member");
      assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
      assertThat(state.getAssignedHub()).isEqualTo(DpsEmulator.DEFAULT_HUB);
      Query registrations =
          service.createEnrollmentGroupRegistrationStateQuery(
              new QuerySpecificationBuilder(
                      "*", QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS)
                  .createSqlQuery(),
              "sdk-svc-group");
      assertThat(registrations.hasNext()).isTrue();
      assertThat(registrations.next().getItems()).hasSize(1);
      service.deleteDeviceRegistrationState("sdk-svc-member");
      assertThatThrownBy(() -> service.getDeviceRegistrationState("sdk-svc-member"))
          .isInstanceOf(ProvisioningServiceClientNotFoundException.class);

      Query groups =
          service.createEnrollmentGroupQuery(
              new QuerySpecificationBuilder(
                      "*", QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS)
                  .createSqlQuery());
      assertThat(groups.next().getItems()).hasSize(1);
      service.deleteEnrollmentGroup("sdk-svc-group");
      service.deleteIndividualEnrollment(updated);
      assertThatThrownBy(() -> service.getIndividualEnrollment("sdk-svc-dev"))
          .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    } finally {
      HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
  }
}
