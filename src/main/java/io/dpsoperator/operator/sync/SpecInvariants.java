package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.CustomAllocationSpec;
import io.dpsoperator.api.v1alpha1.DpsRecordSpec;
import io.dpsoperator.api.v1alpha1.GroupAttestationSpec;
import io.dpsoperator.api.v1alpha1.IndividualAttestationSpec;
import io.dpsoperator.api.v1alpha1.TpmAttestationSpec;
import io.dpsoperator.api.v1alpha1.ValueFromSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules the CRD's CEL validations state, checked again by the operator: API servers that do not
 * run them (older versions, {@code --validate=false}, a CRD applied without its schema) must not
 * make the operator guess. Each failure is {@link Reasons#INVALID_SPEC} naming every field
 * involved. Pure functions.
 */
public final class SpecInvariants {

  private SpecInvariants() {}

  /**
   * The DPS id a resource manages must not change: DPS cannot rename a record, and following the
   * new id would create a second record and leave the first one unmanaged.
   *
   * @param field the spec field, e.g. {@code spec.registrationId}
   * @param managed the id recorded in status once the operator wrote or adopted the record, or null
   * @param wanted the id the spec asks for now
   */
  public static void sameId(String field, String managed, String wanted) throws SyncFailure {
    if (managed == null || managed.isBlank() || wanted == null) {
      return;
    }
    if (!managed.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          field
              + " is immutable: this resource manages DPS id "
              + managed
              + " and now asks for "
              + wanted
              + "; DPS was left unchanged. Put "
              + managed
              + " back, or delete this resource and create a new one for "
              + wanted);
    }
  }

  /** Exactly one attestation block, the one {@code type} names; one source for each key. */
  public static void check(IndividualAttestationSpec a, DpsRecordSpec spec) throws SyncFailure {
    if (a != null) {
      oneBlock(
          present(a.getSymmetricKey(), a.getX509(), a.getTpm()),
          a.getType() == null ? null : a.getType().wire());
      tpm(a.getTpm());
    }
    webhook(spec.getCustomAllocationDefinition());
  }

  /** Exactly one attestation block, the one {@code type} names; one source for each key. */
  public static void check(GroupAttestationSpec a, DpsRecordSpec spec) throws SyncFailure {
    if (a != null) {
      if (a.getX509() != null
          && a.getX509().getSigningCertificates() != null
          && a.getX509().getCaReferences() != null) {
        throw twoSources(
            "spec.attestation.x509.signingCertificates", "spec.attestation.x509.caReferences");
      }
      oneBlock(
          present(a.getSymmetricKey(), a.getX509(), null),
          a.getType() == null ? null : a.getType().wire());
    }
    webhook(spec.getCustomAllocationDefinition());
  }

  /** The names of the attestation blocks that are set. */
  private static List<String> present(Object symmetricKey, Object x509, Object tpm) {
    List<String> blocks = new ArrayList<>();
    if (symmetricKey != null) {
      blocks.add("symmetricKey");
    }
    if (x509 != null) {
      blocks.add("x509");
    }
    if (tpm != null) {
      blocks.add("tpm");
    }
    return blocks;
  }

  private static void oneBlock(List<String> blocks, String type) throws SyncFailure {
    if (blocks.size() > 1) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          "spec.attestation has "
              + blocks.size()
              + " blocks ("
              + String.join(", ", blocks.stream().map(b -> "spec.attestation." + b).toList())
              + "); set only the one attestation.type names"
              + (type == null ? "" : " (" + type + ")"));
    }
    if (blocks.size() == 1 && type != null && !blocks.get(0).equals(type)) {
      throw SyncFailure.terminal(
          Reasons.INVALID_SPEC,
          "spec.attestation.type is "
              + type
              + " but the block set is spec.attestation."
              + blocks.get(0)
              + "; make them agree");
    }
  }

  private static void tpm(TpmAttestationSpec tpm) throws SyncFailure {
    if (tpm == null) {
      return;
    }
    if (tpm.getEndorsementKey() != null && tpm.getEndorsementKeyFrom() != null) {
      throw twoSources(
          "spec.attestation.tpm.endorsementKey", "spec.attestation.tpm.endorsementKeyFrom");
    }
    ValueFromSource from = tpm.getEndorsementKeyFrom();
    if (from != null && from.getSecretKeyRef() != null && from.getConfigMapKeyRef() != null) {
      throw twoSources(
          "spec.attestation.tpm.endorsementKeyFrom.secretKeyRef",
          "spec.attestation.tpm.endorsementKeyFrom.configMapKeyRef");
    }
  }

  private static void webhook(CustomAllocationSpec custom) throws SyncFailure {
    if (custom != null
        && custom.getWebhookUrl() != null
        && custom.getWebhookUrlSecretRef() != null) {
      throw twoSources(
          "spec.customAllocationDefinition.webhookUrl",
          "spec.customAllocationDefinition.webhookUrlSecretRef");
    }
  }

  private static SyncFailure twoSources(String a, String b) {
    return SyncFailure.terminal(
        Reasons.INVALID_SPEC, "both " + a + " and " + b + " are set; set exactly one of them");
  }
}
