package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A DPS query, e.g. {@code SELECT * FROM enrollments}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuerySpecification(String query) {}
