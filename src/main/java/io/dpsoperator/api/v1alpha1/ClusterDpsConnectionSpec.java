package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** A DPS instance that resources of the selected namespaces may use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ClusterDpsConnectionSpec extends DpsConnectionSpec {
  /**
   * The namespaces whose resources may use this connection, by their labels. Absent: none; an empty
   * selector ({}): all.
   */
  @JsonPropertyDescription(
      "The namespaces whose resources may use this connection, by their labels. Absent: none; an empty selector ({}): all.")
  private LabelSelector namespaceSelector;

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }
}
