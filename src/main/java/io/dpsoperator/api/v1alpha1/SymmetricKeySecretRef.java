package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret holding the primary and secondary symmetric keys (base64). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SymmetricKeySecretRef {
  /** Name of the Secret in the resource's namespace. */
  @JsonPropertyDescription("Name of the Secret in the resource's namespace.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String name;

  /** Key holding the primary key. */
  @JsonPropertyDescription("Key holding the primary key.")
  @Default("primaryKey")
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  private String primaryKeyKey = "primaryKey";

  /** Key holding the secondary key. */
  @JsonPropertyDescription("Key holding the secondary key.")
  @Default("secondaryKey")
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  private String secondaryKeyKey = "secondaryKey";

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getPrimaryKeyKey() {
    return primaryKeyKey;
  }

  public void setPrimaryKeyKey(String primaryKeyKey) {
    this.primaryKeyKey = primaryKeyKey;
  }

  public String getSecondaryKeyKey() {
    return secondaryKeyKey;
  }

  public void setSecondaryKeyKey(String secondaryKeyKey) {
    this.secondaryKeyKey = secondaryKeyKey;
  }
}
