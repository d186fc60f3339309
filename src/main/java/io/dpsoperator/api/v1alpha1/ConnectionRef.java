package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The DpsConnection or ClusterDpsConnection a resource's DPS record lives in. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ConnectionRef {
  /**
   * DpsConnection (in this resource's namespace) or ClusterDpsConnection (whose namespaceSelector
   * must select this namespace).
   */
  @JsonPropertyDescription(
      "DpsConnection (in this resource's namespace) or ClusterDpsConnection (whose namespaceSelector must select this namespace).")
  @Required
  private ConnectionKind kind;

  /** Name of the connection. */
  @JsonPropertyDescription("Name of the connection.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String name;

  public ConnectionKind getKind() {
    return kind;
  }

  public void setKind(ConnectionKind kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
