package io.dpsoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The webhook of the custom allocation policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "has(self.webhookUrl) != has(self.webhookUrlSecretRef)",
    message = "set exactly one of webhookUrl and webhookUrlSecretRef")
public class CustomAllocationSpec {
  /** The webhook URL, inline. Prefer webhookUrlSecretRef when the URL carries a function key. */
  @JsonPropertyDescription(
      "The webhook URL, inline. Prefer webhookUrlSecretRef when the URL carries a function key.")
  @Pattern("^https://\\S+$")
  private String webhookUrl;

  /** A Secret key holding the webhook URL. */
  @JsonPropertyDescription("A Secret key holding the webhook URL.")
  private KeyRef webhookUrlSecretRef;

  /** The API version of the webhook request. */
  @JsonPropertyDescription("The API version of the webhook request.")
  @Default("2021-10-01")
  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
  private String apiVersion = "2021-10-01";

  public String getWebhookUrl() {
    return webhookUrl;
  }

  public void setWebhookUrl(String webhookUrl) {
    this.webhookUrl = webhookUrl;
  }

  public KeyRef getWebhookUrlSecretRef() {
    return webhookUrlSecretRef;
  }

  public void setWebhookUrlSecretRef(KeyRef webhookUrlSecretRef) {
    this.webhookUrlSecretRef = webhookUrlSecretRef;
  }

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }
}
