package io.dpsoperator.operator;

import io.dpsoperator.dps.DpsClient;
import java.util.Optional;

/**
 * The DPS a resource's record lives in: its client, and what generated device Secrets tell devices.
 *
 * @param connection the connection object's name for messages, or empty for the operator-wide
 *     connection and {@code connectionSecretRef}
 */
public record DpsTarget(
    DpsClient client,
    Optional<String> idScope,
    String deviceEndpoint,
    Optional<String> connection) {}
