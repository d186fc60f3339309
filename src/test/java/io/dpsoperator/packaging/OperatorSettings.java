package io.dpsoperator.packaging;

import java.util.List;

/**
 * The operator's environment variables, as the packaging must mirror them.
 *
 * <p>Kept here until the operator's configuration record exists; then this list should come from
 * it, so that a new setting cannot be added without its Helm value and documentation.
 */
final class OperatorSettings {
  static final List<String> ENV =
      List.of(
          "DPS_OPERATOR_NAMESPACE",
          "DPS_OPERATOR_CONNECTION_SECRET",
          "DPS_OPERATOR_CONNECTION_SECRET_KEY",
          "DPS_OPERATOR_WATCH_NAMESPACES",
          "DPS_OPERATOR_RESYNC_INTERVAL",
          "DPS_OPERATOR_GROUP_STATUS_INTERVAL",
          "DPS_OPERATOR_RATE_LIMIT_PER_MINUTE",
          "DPS_OPERATOR_REQUEST_TIMEOUT",
          "DPS_OPERATOR_CONNECT_TIMEOUT",
          "DPS_OPERATOR_CA_BUNDLE_FILE",
          "DPS_OPERATOR_ID_SCOPE",
          "DPS_OPERATOR_DEVICE_ENDPOINT",
          "DPS_OPERATOR_LEADER_ELECTION",
          "DPS_OPERATOR_LEADER_ELECTION_LEASE",
          "DPS_OPERATOR_HTTP_PORT",
          "DPS_OPERATOR_LOG_LEVEL",
          "DPS_OPERATOR_LOG_FORMAT",
          "DPS_OPERATOR_EMBEDDED_DPS",
          "DPS_OPERATOR_STATUS_HEARTBEAT",
          "DPS_OPERATOR_CERTIFICATE_EXPIRY_WARNING",
          "DPS_OPERATOR_QUERY_PAGE_SIZE",
          "DPS_OPERATOR_REGISTRATION_STATE_INTERVAL",
          "DPS_OPERATOR_CONTROLLER_CLASS",
          "DPS_OPERATOR_CONNECTION_CHECK_INTERVAL");

  private OperatorSettings() {}
}
