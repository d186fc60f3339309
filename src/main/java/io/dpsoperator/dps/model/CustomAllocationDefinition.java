package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The webhook of the custom allocation policy. {@link #toString()} hides the URL's query, which
 * usually carries a function key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomAllocationDefinition(String webhookUrl, String apiVersion) {

  @Override
  public String toString() {
    String url = webhookUrl == null ? null : webhookUrl.replaceAll("\\?.*$", "?***");
    return "CustomAllocationDefinition[webhookUrl=" + url + ", apiVersion=" + apiVersion + "]";
  }
}
