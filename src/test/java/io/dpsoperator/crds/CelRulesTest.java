package io.dpsoperator.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CEL rule of the generated CRDs, compiled and evaluated with cel-java against objects it
 * must accept and objects it must refuse. The rules are read from the generated YAML, so this test
 * follows the model; a new rule without cases here fails {@link #everyRuleHasValidAndInvalidCases}.
 */
class CelRulesTest {
  private static final String IE = "IndividualEnrollment";
  private static final String EG = "EnrollmentGroup";
  private static final String DC = "DpsConnection";
  private static final String CDC = "ClusterDpsConnection";

  /** One evaluation: the rule at path whose message contains the fragment, on self (and old). */
  record Case(
      String kind, String path, String message, boolean valid, String self, String oldSelf) {
    @Override
    public String toString() {
      return kind
          + " "
          + path
          + " ["
          + message
          + "] "
          + (valid ? "accepts " : "refuses ")
          + self
          + (oldSelf == null ? "" : " from " + oldSelf);
    }
  }

  private static Case ok(String kind, String path, String message, String self) {
    return new Case(kind, path, message, true, self, null);
  }

  private static Case bad(String kind, String path, String message, String self) {
    return new Case(kind, path, message, false, self, null);
  }

  private static Case okUpdate(String kind, String path, String message, String old, String self) {
    return new Case(kind, path, message, true, self, old);
  }

  private static Case badUpdate(String kind, String path, String message, String old, String self) {
    return new Case(kind, path, message, false, self, old);
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String x509 = "x509: {clientCertificates: {primary: {name: thermostat-01-tls}}}";
    String tpm = "tpm: {endorsementKey: AToAAQALAAMAsgAgg3GXZ0SEs}";
    // Exactly one attestation block, matching type (individual enrollments).
    String a = "spec.attestation";
    cases.add(ok(IE, a, "symmetricKey block", "{type: symmetricKey, symmetricKey: {}}"));
    cases.add(ok(IE, a, "symmetricKey block", "{type: x509, " + x509 + "}"));
    cases.add(bad(IE, a, "symmetricKey block", "{type: symmetricKey}"));
    cases.add(bad(IE, a, "symmetricKey block", "{type: x509, symmetricKey: {}, " + x509 + "}"));
    cases.add(ok(IE, a, "x509 block", "{type: x509, " + x509 + "}"));
    cases.add(ok(IE, a, "x509 block", "{type: tpm, " + tpm + "}"));
    cases.add(bad(IE, a, "x509 block", "{type: x509}"));
    cases.add(bad(IE, a, "x509 block", "{type: tpm, " + tpm + ", " + x509 + "}"));
    cases.add(ok(IE, a, "tpm block", "{type: tpm, " + tpm + "}"));
    cases.add(ok(IE, a, "tpm block", "{type: symmetricKey, symmetricKey: {}}"));
    cases.add(bad(IE, a, "tpm block", "{type: tpm}"));
    cases.add(bad(IE, a, "tpm block", "{type: symmetricKey, symmetricKey: {}, " + tpm + "}"));
    // Groups: no TPM, symmetricKey or x509.
    String gx509 = "x509: {caReferences: {primary: fleet-root}}";
    cases.add(ok(EG, a, "symmetricKey block", "{type: symmetricKey, symmetricKey: {}}"));
    cases.add(bad(EG, a, "symmetricKey block", "{type: symmetricKey}"));
    cases.add(bad(EG, a, "symmetricKey block", "{type: x509, symmetricKey: {}, " + gx509 + "}"));
    cases.add(ok(EG, a, "x509 block", "{type: x509, " + gx509 + "}"));
    cases.add(
        ok(EG, a, "x509 block", "{type: symmetricKey, symmetricKey: {secretRef: {name: k}}}"));
    cases.add(bad(EG, a, "x509 block", "{type: x509}"));
    cases.add(bad(EG, a, "x509 block", "{type: symmetricKey, symmetricKey: {}, " + gx509 + "}"));
    // TPM: inline xor from.
    String t = "spec.attestation.tpm";
    String from = "endorsementKeyFrom: {configMapKeyRef: {name: tpm-keys, key: ek}}";
    cases.add(ok(IE, t, "endorsementKey and", "{endorsementKey: AToAAQ==}"));
    cases.add(ok(IE, t, "endorsementKey and", "{" + from + "}"));
    cases.add(bad(IE, t, "endorsementKey and", "{endorsementKey: AToAAQ==, " + from + "}"));
    cases.add(bad(IE, t, "endorsementKey and", "{storageRootKey: AToAAQ==}"));
    String f = "spec.attestation.tpm.endorsementKeyFrom";
    cases.add(ok(IE, f, "secretKeyRef and", "{secretKeyRef: {name: tpm, key: ek}}"));
    cases.add(ok(IE, f, "secretKeyRef and", "{configMapKeyRef: {name: tpm, key: ek}}"));
    cases.add(
        bad(
            IE,
            f,
            "secretKeyRef and",
            "{secretKeyRef: {name: tpm, key: ek}, configMapKeyRef: {name: tpm, key: ek}}"));
    cases.add(bad(IE, f, "secretKeyRef and", "{}"));
    // Group X.509: signingCertificates xor caReferences.
    String gx = "spec.attestation.x509";
    String signing = "signingCertificates: {primary: {name: fleet-ca, key: ca.crt}}";
    cases.add(ok(EG, gx, "signingCertificates and", "{" + signing + "}"));
    cases.add(ok(EG, gx, "signingCertificates and", "{caReferences: {primary: fleet-root}}"));
    cases.add(
        bad(EG, gx, "signingCertificates and", "{" + signing + ", caReferences: {primary: r}}"));
    cases.add(bad(EG, gx, "signingCertificates and", "{}"));
    // Webhook URL inline xor from a Secret, on both kinds.
    for (String kind : List.of(IE, EG)) {
      String c = "spec.customAllocationDefinition";
      cases.add(ok(kind, c, "webhookUrl and", "{webhookUrl: 'https://alloc.example.com/api'}"));
      cases.add(ok(kind, c, "webhookUrl and", "{webhookUrlSecretRef: {name: hook, key: url}}"));
      cases.add(
          bad(
              kind,
              c,
              "webhookUrl and",
              "{webhookUrl: 'https://a.example.com', webhookUrlSecretRef: {name: h, key: url}}"));
      cases.add(bad(kind, c, "webhookUrl and", "{apiVersion: '2021-10-01'}"));
      // Allocation policy prerequisites.
      String def = "customAllocationDefinition: {webhookUrl: 'https://a.example.com'}";
      cases.add(ok(kind, "spec", "custom needs", "{allocationPolicy: custom, " + def + "}"));
      cases.add(ok(kind, "spec", "custom needs", "{allocationPolicy: hashed}"));
      cases.add(ok(kind, "spec", "custom needs", "{}"));
      cases.add(bad(kind, "spec", "custom needs", "{allocationPolicy: custom}"));
      cases.add(ok(kind, "spec", "static needs", "{allocationPolicy: static, iotHubs: [h1]}"));
      cases.add(ok(kind, "spec", "static needs", "{allocationPolicy: hashed, iotHubs: [h1, h2]}"));
      cases.add(ok(kind, "spec", "static needs", "{}"));
      cases.add(bad(kind, "spec", "static needs", "{allocationPolicy: static}"));
      cases.add(bad(kind, "spec", "static needs", "{allocationPolicy: static, iotHubs: []}"));
      cases.add(bad(kind, "spec", "static needs", "{allocationPolicy: static, iotHubs: [h1, h2]}"));
      // A connection object or a connection Secret, not both.
      String ref = "connectionRef: {kind: DpsConnection, name: west}";
      String secretRef = "connectionSecretRef: {name: dps-west}";
      cases.add(ok(kind, "spec", "not both", "{" + ref + "}"));
      cases.add(ok(kind, "spec", "not both", "{" + secretRef + "}"));
      cases.add(ok(kind, "spec", "not both", "{}"));
      cases.add(bad(kind, "spec", "not both", "{" + ref + ", " + secretRef + "}"));
    }
    // Connections: exactly one auth.
    for (String kind : List.of(DC, CDC)) {
      String auth = "spec.auth";
      String sas = "sasSecretRef: {name: dps}";
      String wi =
          "workloadIdentity: {clientId: 00000000-0000-0000-0000-000000000001,"
              + " tenantId: 00000000-0000-0000-0000-000000000002}";
      cases.add(ok(kind, auth, "exactly one", "{" + sas + "}"));
      cases.add(ok(kind, auth, "exactly one", "{" + wi + "}"));
      cases.add(bad(kind, auth, "exactly one", "{" + sas + ", " + wi + "}"));
      cases.add(bad(kind, auth, "exactly one", "{}"));
    }
    // Immutable ids: transition rules with oldSelf.
    for (String[] id :
        List.of(new String[] {IE, "registrationId"}, new String[] {EG, "enrollmentGroupId"})) {
      String kind = id[0];
      String field = id[1];
      String msg = field + " is immutable";
      cases.add(okUpdate(kind, "spec", msg, "{" + field + ": dev-1}", "{" + field + ": dev-1}"));
      cases.add(okUpdate(kind, "spec", msg, "{}", "{provisioningStatus: disabled}"));
      cases.add(badUpdate(kind, "spec", msg, "{" + field + ": dev-1}", "{" + field + ": dev-2}"));
      cases.add(badUpdate(kind, "spec", msg, "{" + field + ": dev-1}", "{}"));
      cases.add(badUpdate(kind, "spec", msg, "{}", "{" + field + ": dev-1}"));
    }
    return cases;
  }

  static Stream<Arguments> caseArguments() {
    return cases().stream().map(Arguments::of);
  }

  static Stream<Arguments> allRules() {
    return Stream.of(IE, EG, DC, CDC)
        .flatMap(
            kind ->
                CelRules.rules(Crds.schema(Crds.forKind(kind))).stream()
                    .map(rule -> Arguments.of(kind, rule)));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("allRules")
  void everyRuleCompilesToABooleanWithAMessage(String kind, CelRules.Rule rule) {
    assertThat(CelRules.compile(rule)).isNotNull();
    assertThat(rule.message()).as("message of %s rule at %s", kind, rule.path()).isNotBlank();
    if (rule.isTransition()) {
      // oldSelf only makes sense where the API server can correlate old and new: not in lists.
      assertThat(rule.path()).doesNotContain("[");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseArguments")
  void ruleDecides(Case c) throws Exception {
    CelRules.Rule rule = ruleFor(c.kind(), c.path(), c.message());
    Object self = CelRules.toCel(yaml(c.self()));
    Object old = c.oldSelf() == null ? null : CelRules.toCel(yaml(c.oldSelf()));
    // evaluate, not holds: a refusal must come from the rule's logic, not an evaluation error.
    assertThat(CelRules.evaluate(rule, self, old))
        .as("%s on %s", rule.expression(), c)
        .isEqualTo(c.valid());
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("allRules")
  void everyRuleHasValidAndInvalidCases(String kind, CelRules.Rule rule) {
    List<Case> mine =
        cases().stream()
            .filter(c -> c.kind().equals(kind) && c.path().equals(rule.path()))
            .filter(c -> rule.message().contains(c.message()))
            .toList();
    assertThat(mine).as("cases accepted by %s rule at %s", kind, rule.path()).anyMatch(Case::valid);
    assertThat(mine)
        .as("cases refused by %s rule at %s", kind, rule.path())
        .anyMatch(c -> !c.valid());
  }

  @Test
  void wholeObjectRefusedWithTheApiServerShapedMessage() {
    CrdValidator validator = CrdValidator.forKind(IE);
    Map<String, Object> twoBlocks =
        yaml(
            """
            {apiVersion: dpsoperator.io/v1alpha1, kind: IndividualEnrollment,
             metadata: {name: thermostat-01},
             spec: {attestation: {type: symmetricKey, symmetricKey: {},
                                  tpm: {endorsementKey: AToAAQ==}}}}
            """);
    assertThat(validator.validate(twoBlocks))
        .containsExactly("spec.attestation: the tpm block must be set exactly when type is tpm");
  }

  @Test
  void updateChangingTheRegistrationIdIsRefused() {
    CrdValidator validator = CrdValidator.forKind(IE);
    Map<String, Object> old =
        yaml(
            "{metadata: {name: t}, spec: {registrationId: t-1,"
                + " attestation: {type: symmetricKey, symmetricKey: {}}}}");
    Map<String, Object> changed =
        yaml(
            "{metadata: {name: t}, spec: {registrationId: t-2,"
                + " attestation: {type: symmetricKey, symmetricKey: {}}}}");
    assertThat(validator.validateUpdate(old, old)).isEmpty();
    assertThat(validator.validateUpdate(changed, old))
        .containsExactly("spec: registrationId is immutable");
    assertThat(validator.validate(changed)).as("a create has no oldSelf").isEmpty();
  }

  private static CelRules.Rule ruleFor(String kind, String path, String messageFragment) {
    List<CelRules.Rule> matching =
        CelRules.rules(Crds.schema(Crds.forKind(kind))).stream()
            .filter(r -> r.path().equals(path) && r.message().contains(messageFragment))
            .toList();
    assertThat(matching)
        .as("rules of %s at %s whose message contains '%s'", kind, path, messageFragment)
        .hasSize(1);
    return matching.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    try {
      return Crds.YAML.readValue(text, Map.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
