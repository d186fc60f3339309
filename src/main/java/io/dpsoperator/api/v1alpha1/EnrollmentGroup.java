package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dpsoperator.api.v1alpha1.tolerant.TolerantSpecDeserializer;
import io.dpsoperator.api.v1alpha1.tolerant.TolerantStatusDeserializer;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A DPS enrollment group: a fleet of devices sharing a signing certificate or a group key. */
@JsonClassDescription(
    "A DPS enrollment group: a fleet of devices sharing a signing certificate or a group key.")
@Group(IndividualEnrollment.GROUP)
@Version(IndividualEnrollment.VERSION)
@ShortNames("dpseg")
// Named, not computed: fabric8 otherwise runs its pluralizer (about a hundred regular
// expressions) in the constructor of every object it reads.
@Plural("enrollmentgroups")
@Categories("dps")
@AdditionalPrinterColumn(
    name = "Group ID",
    jsonPath = ".status.enrollmentGroupId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Attestation",
    jsonPath = ".spec.attestation.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Devices",
    jsonPath = ".status.devices.total",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class EnrollmentGroup extends CustomResource<EnrollmentGroupSpec, EnrollmentGroupStatus>
    implements Namespaced {

  /** The DPS enrollment group id: spec.enrollmentGroupId, or metadata.name when unset. */
  public String enrollmentGroupId() {
    String id = getSpec() == null ? null : getSpec().getEnrollmentGroupId();
    return id == null || id.isBlank() ? getMetadata().getName() : id;
  }

  /** The desired DPS enrollment group. */
  @Override
  @Required
  @JsonPropertyDescription("The desired DPS enrollment group.")
  public EnrollmentGroupSpec getSpec() {
    return super.getSpec();
  }

  /**
   * Read leniently: a spec the model cannot hold does not fail the read of the resource (which
   * would stop the informer and the operator) but is marked {@link DpsRecordSpec#unreadable()}.
   */
  @Override
  @JsonDeserialize(using = TolerantSpecDeserializer.ForEnrollmentGroup.class)
  public void setSpec(EnrollmentGroupSpec spec) {
    super.setSpec(spec);
  }

  /** What the operator observed: DPS record, registered devices, conditions. */
  @Override
  @JsonPropertyDescription(
      "What the operator observed: DPS record, registered devices, conditions.")
  public EnrollmentGroupStatus getStatus() {
    return super.getStatus();
  }

  /**
   * Read leniently: status fields the model cannot hold are left out rather than failing the read
   * of the resource.
   */
  @Override
  @JsonDeserialize(using = TolerantStatusDeserializer.ForEnrollmentGroup.class)
  public void setStatus(EnrollmentGroupStatus status) {
    super.setStatus(status);
  }
}
