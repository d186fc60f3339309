package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * X.509 attestation: client certificates (individual enrollments), signing certificates or CA
 * references (groups). Exactly one of the three is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record X509Attestation(
    X509Certificates clientCertificates,
    X509Certificates signingCertificates,
    X509CAReferences caReferences) {}
