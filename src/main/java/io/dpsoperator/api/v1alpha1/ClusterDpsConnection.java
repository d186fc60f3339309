package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A DPS instance, with its credentials and rate limit, that the enrollments and groups of the
 * namespaces its namespaceSelector selects may use.
 */
@JsonClassDescription(
    "A DPS instance, with its credentials and rate limit, that the enrollments and groups of the namespaces its namespaceSelector selects may use.")
@Group(IndividualEnrollment.GROUP)
@Version(IndividualEnrollment.VERSION)
@ShortNames("cdpsconn")
// Named, not computed: fabric8 otherwise runs its pluralizer (about a hundred regular
// expressions) in the constructor of every object it reads.
@Plural("clusterdpsconnections")
@Categories("dps")
@AdditionalPrinterColumn(
    name = "Host",
    jsonPath = ".spec.host",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Auth",
    jsonPath = ".status.authType",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Resources",
    jsonPath = ".status.resources",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ClusterDpsConnection
    extends CustomResource<ClusterDpsConnectionSpec, DpsConnectionStatus> {

  /** The DPS instance and how to reach it. */
  @Override
  @Required
  @JsonPropertyDescription("The DPS instance and how to reach it.")
  public ClusterDpsConnectionSpec getSpec() {
    return super.getSpec();
  }

  /** Whether the operator can reach and authenticate to DPS, and how many resources use it. */
  @Override
  @JsonPropertyDescription(
      "Whether the operator can reach and authenticate to DPS, and how many resources use it.")
  public DpsConnectionStatus getStatus() {
    return super.getStatus();
  }
}
