package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** What DPS parsed out of an uploaded certificate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record X509CertificateInfo(
    String subjectName,
    String sha1Thumbprint,
    String sha256Thumbprint,
    String issuerName,
    Instant notBeforeUtc,
    Instant notAfterUtc,
    String serialNumber,
    Integer version) {}
