package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A device registration record. {@code enrollmentGroupId}, {@code hubHistory} and {@code
 * attestationResult} are internal (group query, reprovisioning, device result blocks); {@code
 * initialTwin} is the twin the device's IoT hub would have been given (no hub is emulated).
 */
record Registration(
    String registrationId,
    String createdDateTimeUtc,
    String assignedHub,
    String deviceId,
    String status,
    String substatus,
    Integer errorCode,
    String errorMessage,
    String lastUpdatedDateTimeUtc,
    String etag,
    JsonNode payload,
    String enrollmentGroupId,
    List<String> hubHistory,
    ObjectNode attestationResult,
    JsonNode initialTwin) {

  Registration {
    // A restored record reads JSON null as a NullNode: absent is null, one way only.
    payload = payload == null || payload.isNull() ? null : payload;
    initialTwin = initialTwin == null || initialTwin.isNull() ? null : initialTwin;
  }

  /** The {@code DeviceRegistrationState} of the service API. */
  ObjectNode toServiceJson() {
    ObjectNode o = Json.object();
    o.put("registrationId", registrationId);
    o.put("createdDateTimeUtc", createdDateTimeUtc);
    if (assignedHub != null) {
      o.put("assignedHub", assignedHub);
    }
    if (deviceId != null) {
      o.put("deviceId", deviceId);
    }
    o.put("status", status);
    if (substatus != null) {
      o.put("substatus", substatus);
    }
    if (errorCode != null) {
      o.put("errorCode", errorCode);
    }
    if (errorMessage != null) {
      o.put("errorMessage", errorMessage);
    }
    o.put("lastUpdatedDateTimeUtc", lastUpdatedDateTimeUtc);
    o.put("etag", etag);
    if (payload != null && !payload.isNull()) {
      o.set("payload", payload);
    }
    return o;
  }

  /** The {@code DeviceRegistrationResult} of the device API. */
  ObjectNode toDeviceJson() {
    ObjectNode o = toServiceJson();
    if (attestationResult != null) {
      attestationResult.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
    }
    return o;
  }
}
