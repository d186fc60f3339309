package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/** The error body DPS sends with every non-2xx answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisioningServiceErrorDetails(
    Integer errorCode,
    String trackingId,
    String message,
    Map<String, String> info,
    Instant timestampUtc) {}
