package io.dpsoperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsoperator.api.v1alpha1.AllocationPolicy;
import io.dpsoperator.api.v1alpha1.CapabilitiesSpec;
import io.dpsoperator.api.v1alpha1.IndividualEnrollment;
import io.dpsoperator.api.v1alpha1.IndividualEnrollmentSpec;
import io.dpsoperator.api.v1alpha1.InitialTwinPropertiesSpec;
import io.dpsoperator.api.v1alpha1.InitialTwinSpec;
import io.dpsoperator.api.v1alpha1.ProvisioningStatus;
import io.dpsoperator.api.v1alpha1.ReprovisionPolicySpec;
import io.dpsoperator.emulator.CertificateAuthority;
import io.dpsoperator.operator.sync.Twins;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Through the real operator: an individual enrollment with a generated twin and a generated
 * attestation and option combination is synced once, and its resyncs make no DPS write at all.
 */
class NoWriteOnResyncPropertiesTest {
  private static final String HUB = "hub-a.azure-devices.net";
  private static final Duration RESYNC = Duration.ofMillis(600);
  private static final int RESYNCS = 3;

  /** The endorsement key of the TPM sample. */
  private static final String ENDORSEMENT_KEY =
      "gPzhr72agZBcwUHSvOZxOonBNqHK9OQEyNOGLkq0bAbHcjXooq5P7oMzdbexOJQ6HcgG4khaHjnRDAV2"
          + "ChT/7M0X22XepCtHYqSU8FPp5GqzfbjGtiU5Aa5/ge9kqc+T9hN3nffq7UHmMGu+gP01mhCWSWflw4aX"
          + "3tJZe/JENkuG4dTzaXTfLayiIAsr876gsUK86ZDXBtA6oRyTXrMbEXTwEdZ1YmjrevsyqgI2tcirZ8mE"
          + "8quWZWGFMQIhw3nCHun32V4IOdFDZVa9+sbRqLxVJq2H8QTE3AZ0OaeGTagSEoembUh4cI/U3Z02jwaG"
          + "L0jGEDBDhP5RK7rYbO/uvmX5RQOQILn1a/25kkbSHFaOUShK4Uc5+A==";

  private static final AtomicInteger NAMES = new AtomicInteger();

  private static OperatorTestEnvironment env;
  private static CertificateAuthority ca;

  @BeforeContainer
  static void start() throws Exception {
    env =
        OperatorTestEnvironment.start(
            Map.of("DPS_OPERATOR_RESYNC_INTERVAL", RESYNC.toMillis() + "ms"));
    ca = CertificateAuthority.createRoot("Resync Test Root");
  }

  @AfterContainer
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** How the enrollment attests: keys from a Secret, keys DPS generates, TPM, X.509. */
  enum Attestation {
    KEYS_FROM_SECRET,
    GENERATED_KEYS,
    TPM,
    X509
  }

  /** Everything but the attestation, set on a spec. */
  record Options(
      ObjectNode tags,
      ObjectNode desired,
      ObjectNode deviceInformation,
      ProvisioningStatus status,
      Boolean iotEdge,
      List<Boolean> reprovision,
      AllocationPolicy allocation,
      List<String> hubs) {}

  @Provide
  Arbitrary<Options> options() {
    return Combinators.combine(
            Twins.twins().injectNull(0.2),
            Twins.twins().injectNull(0.2),
            Twins.twins().injectNull(0.5),
            Arbitraries.of(ProvisioningStatus.class).injectNull(0.4),
            Arbitraries.of(true, false).injectNull(0.4),
            Arbitraries.of(true, false).list().ofSize(2).injectNull(0.4),
            Arbitraries.of(
                    AllocationPolicy.HASHED, AllocationPolicy.GEO_LATENCY, AllocationPolicy.STATIC)
                .injectNull(0.4),
            Arbitraries.<List<String>>of(
                List.of(), List.of(HUB), List.of("HUB-A.Azure-Devices.net")))
        .as(Options::new);
  }

  @Property(tries = 15, shrinking = ShrinkingMode.OFF)
  void afterTheFirstSyncResyncsMakeNoDpsWrite(
      @ForAll Attestation attestation,
      @ForAll("options") Options options,
      @ForAll boolean deviceId) {
    String ns = env.newNamespace();
    String name = "resync-" + NAMES.incrementAndGet();
    IndividualEnrollment r =
        Fixtures.enrollment(
            ns, name, attest(attestation, ns, name).andThen(apply(options, deviceId, name)));
    env.kube.resource(r).create();
    env.awaitReady(r, "True", "Synced");
    String etag = env.dps.getIndividualEnrollment(name).etag();
    long writes = DpsWrites.writes(env.meters);
    long reads = DpsWrites.recordReads(env.meters);

    // Every resource resyncs every RESYNC; over RESYNCS of them, neither this one nor any other
    // synced before writes to DPS.
    await()
        .during(RESYNC.multipliedBy(RESYNCS).plusMillis(300))
        .atMost(RESYNC.multipliedBy(RESYNCS).plusSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> DpsWrites.writes(env.meters) == writes);
    assertThat(DpsWrites.recordReads(env.meters) - reads).isGreaterThanOrEqualTo(RESYNCS);
    assertThat(env.dps.getIndividualEnrollment(name).etag()).isEqualTo(etag);
    assertThat(env.fresh(r).getStatus().getEtag()).isEqualTo(etag);
  }

  private static Consumer<IndividualEnrollmentSpec> attest(
      Attestation attestation, String ns, String name) {
    return switch (attestation) {
      case KEYS_FROM_SECRET -> {
        env.randomKeysSecret(ns, name + "-keys");
        yield Fixtures.keysFromSecret(name + "-keys");
      }
      case GENERATED_KEYS -> Fixtures.generatedKeys();
      case TPM -> Fixtures.tpm(ENDORSEMENT_KEY);
      case X509 -> {
        env.tlsSecret(ns, name + "-tls", ca.issueLeaf(name).chainPem());
        yield Fixtures.x509FromSecret(name + "-tls");
      }
    };
  }

  private static Consumer<IndividualEnrollmentSpec> apply(
      Options o, boolean deviceId, String name) {
    return s -> {
      if (o.tags() != null || o.desired() != null) {
        InitialTwinSpec twin = new InitialTwinSpec();
        twin.setTags(o.tags());
        if (o.desired() != null) {
          InitialTwinPropertiesSpec properties = new InitialTwinPropertiesSpec();
          properties.setDesired(o.desired());
          twin.setProperties(properties);
        }
        s.setInitialTwin(twin);
      }
      s.setOptionalDeviceInformation(o.deviceInformation());
      s.setProvisioningStatus(o.status());
      if (o.iotEdge() != null) {
        CapabilitiesSpec capabilities = new CapabilitiesSpec();
        capabilities.setIotEdge(o.iotEdge());
        s.setCapabilities(capabilities);
      }
      if (o.reprovision() != null) {
        ReprovisionPolicySpec policy = new ReprovisionPolicySpec();
        policy.setUpdateHubAssignment(o.reprovision().get(0));
        policy.setMigrateDeviceData(o.reprovision().get(1));
        s.setReprovisionPolicy(policy);
      }
      s.setAllocationPolicy(o.allocation());
      // Static allocation names its one hub.
      s.setIotHubs(
          o.allocation() == AllocationPolicy.STATIC && o.hubs().isEmpty()
              ? List.of(HUB)
              : o.hubs());
      if (deviceId) {
        s.setDeviceId(name.toUpperCase(java.util.Locale.ROOT) + "-Device");
      }
    };
  }
}
