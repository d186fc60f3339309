package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The answer to a bulk operation: HTTP 200 even when items failed; see {@code errors}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkEnrollmentOperationResult(
    boolean isSuccessful, List<BulkEnrollmentOperationError> errors) {}
