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

/** A DPS individual enrollment: one device admitted by its own attestation. */
@JsonClassDescription("A DPS individual enrollment: one device admitted by its own attestation.")
@Group(IndividualEnrollment.GROUP)
@Version(IndividualEnrollment.VERSION)
@ShortNames("dpsie")
// Named, not computed: fabric8 otherwise runs its pluralizer (about a hundred regular
// expressions) in the constructor of every object it reads.
@Plural("individualenrollments")
@Categories("dps")
@AdditionalPrinterColumn(
    name = "Registration ID",
    jsonPath = ".status.registrationId",
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
    name = "Device Status",
    jsonPath = ".status.registrationState.status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Assigned Hub",
    jsonPath = ".status.registrationState.assignedHub",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class IndividualEnrollment
    extends CustomResource<IndividualEnrollmentSpec, IndividualEnrollmentStatus>
    implements Namespaced {
  public static final String GROUP = "dpsoperator.io";
  public static final String VERSION = "v1alpha1";

  /** The DPS registration id: spec.registrationId, or metadata.name when unset. */
  public String registrationId() {
    String id = getSpec() == null ? null : getSpec().getRegistrationId();
    return id == null || id.isBlank() ? getMetadata().getName() : id;
  }

  /** The desired DPS individual enrollment. */
  @Override
  @Required
  @JsonPropertyDescription("The desired DPS individual enrollment.")
  public IndividualEnrollmentSpec getSpec() {
    return super.getSpec();
  }

  /**
   * Read leniently: a spec the model cannot hold does not fail the read of the resource (which
   * would stop the informer and the operator) but is marked {@link DpsRecordSpec#unreadable()}.
   */
  @Override
  @JsonDeserialize(using = TolerantSpecDeserializer.ForIndividualEnrollment.class)
  public void setSpec(IndividualEnrollmentSpec spec) {
    super.setSpec(spec);
  }

  /** What the operator observed: DPS record, device registration, conditions. */
  @Override
  @JsonPropertyDescription(
      "What the operator observed: DPS record, device registration, conditions.")
  public IndividualEnrollmentStatus getStatus() {
    return super.getStatus();
  }

  /**
   * Read leniently: status fields the model cannot hold are left out rather than failing the read
   * of the resource.
   */
  @Override
  @JsonDeserialize(using = TolerantStatusDeserializer.ForIndividualEnrollment.class)
  public void setStatus(IndividualEnrollmentStatus status) {
    super.setStatus(status);
  }
}
