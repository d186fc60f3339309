package io.dpsoperator.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The documented limits of one DPS instance (Azure's "IoT Hub DPS limits" table): enrollment groups
 * per attestation type, the size of one record, verified CAs and linked hubs.
 */
final class InstanceLimits {
  /** Symmetric-key enrollment groups per instance. */
  static final int MAX_SYMMETRIC_KEY_GROUPS = 100;

  /** X.509 enrollment groups per instance. */
  static final int MAX_X509_GROUPS = 100;

  /** The largest enrollment or group record, as sent (the documented 96 KB message size). */
  static final int MAX_RECORD_BYTES = 96 * 1024;

  /** CA certificates registered on an instance. */
  static final int MAX_VERIFIED_CAS = 25;

  /** IoT hubs linked to an instance. */
  static final int MAX_LINKED_HUBS = 50;

  /** The status and code of a refusal over a quota (see docs/emulator.md: a choice). */
  static final int QUOTA_STATUS = 403;

  static final int QUOTA_ERROR_CODE = 403002;

  private InstanceLimits() {}

  /** Refuses an instance configured beyond the limits (the ARM control plane refuses them). */
  static void checkInstance(int linkedHubs, int verifiedCas) {
    if (linkedHubs > MAX_LINKED_HUBS) {
      throw new IllegalArgumentException(
          "A DPS instance links at most " + MAX_LINKED_HUBS + " IoT hubs, not " + linkedHubs);
    }
    if (verifiedCas > MAX_VERIFIED_CAS) {
      throw new IllegalArgumentException(
          "A DPS instance holds at most "
              + MAX_VERIFIED_CAS
              + " CA certificates, not "
              + verifiedCas);
    }
  }

  /** Refuses a record whose JSON is larger than {@link #MAX_RECORD_BYTES} with 413. */
  static void checkRecordSize(JsonNode record, String id) {
    int size;
    try {
      size = Json.MAPPER.writeValueAsBytes(record).length;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("The record '" + id + "' is not serialisable JSON");
    }
    if (size > MAX_RECORD_BYTES) {
      throw new ApiException(
          413,
          413001,
          "The record '"
              + id
              + "' is "
              + size
              + " bytes; DPS takes at most "
              + MAX_RECORD_BYTES
              + " bytes (96 KB) per record");
    }
  }

  /**
   * Refuses a group that would take its attestation type over its quota: a new group, or one
   * changing type. {@code groups} holds the stored groups by key; the caller holds the monitor.
   */
  static void checkGroupQuota(Map<String, ObjectNode> groups, String key, ObjectNode record) {
    String type = attestationType(record);
    int max =
        switch (type) {
          case "symmetricKey" -> MAX_SYMMETRIC_KEY_GROUPS;
          case "x509" -> MAX_X509_GROUPS;
          default -> Integer.MAX_VALUE;
        };
    ObjectNode existing = groups.get(key);
    if (max == Integer.MAX_VALUE || (existing != null && type.equals(attestationType(existing)))) {
      return;
    }
    long count = groups.values().stream().filter(g -> type.equals(attestationType(g))).count();
    if (count >= max) {
      throw new ApiException(
          QUOTA_STATUS,
          QUOTA_ERROR_CODE,
          "The DPS instance already has "
              + count
              + " "
              + (type.equals("x509") ? "X.509" : "symmetric key")
              + " enrollment groups, the maximum; delete one before creating '"
              + record.path(EnrollmentCodec.GROUP_ID).asText()
              + "'");
    }
  }

  private static String attestationType(JsonNode record) {
    return record.path("attestation").path("type").asText("");
  }
}
