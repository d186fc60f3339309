package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The registration record DPS keeps for a device that registered (read-only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceRegistrationState(
    String registrationId,
    Instant createdDateTimeUtc,
    String assignedHub,
    String deviceId,
    String status,
    String substatus,
    Integer errorCode,
    String errorMessage,
    Instant lastUpdatedDateTimeUtc,
    String etag,
    JsonNode payload) {}
