package io.dpsoperator.operator.connections;

import io.dpsoperator.dps.DpsClient;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Optional;

/**
 * What the connection reconciler last found about a connection object, for the resources that use
 * it.
 *
 * @param client the connection's client when it is ready, else null
 * @param reason the Ready reason of the connection
 * @param namespaceSelector which namespaces may use a ClusterDpsConnection; null for none
 */
public record ConnectionState(
    ConnectionKey key,
    boolean ready,
    String reason,
    String message,
    DpsClient client,
    Optional<String> idScope,
    Optional<String> deviceEndpoint,
    LabelSelector namespaceSelector) {}
