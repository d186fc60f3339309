package io.dpsoperator.dps.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A certificate as sent (PEM or base64 DER) and as DPS describes it back ({@code info}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record X509CertificateWithInfo(String certificate, X509CertificateInfo info) {}
