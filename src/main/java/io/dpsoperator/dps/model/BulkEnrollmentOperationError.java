package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One failed item of a bulk operation ({@code registrationId} or {@code enrollmentGroupId}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkEnrollmentOperationError(
    String registrationId, String enrollmentGroupId, Integer errorCode, String errorStatus) {}
