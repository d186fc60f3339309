package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/**
 * Labels and annotations the operator puts on the Secret of generated keys, for tools that pick
 * Secrets up by their metadata (Reflector, a CSI driver).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SecretTemplate {
  /**
   * Labels of the generated Secret. Keys under dpsoperator.io/ and app.kubernetes.io/managed-by are
   * the operator's own: values given here for them are ignored.
   */
  @JsonPropertyDescription(
      "Labels of the generated Secret. Keys under dpsoperator.io/ and app.kubernetes.io/managed-by are the operator's own: values given here for them are ignored.")
  @Size(max = 64)
  private Map<String, String> labels;

  /**
   * Annotations of the generated Secret. Keys under dpsoperator.io/ are the operator's own: values
   * given here for them are ignored.
   */
  @JsonPropertyDescription(
      "Annotations of the generated Secret. Keys under dpsoperator.io/ are the operator's own: values given here for them are ignored.")
  @Size(max = 64)
  private Map<String, String> annotations;

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
