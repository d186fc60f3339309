package io.dpsoperator.device;

/**
 * The outcome of a device registration: the operation's final {@code status} ({@code assigned},
 * {@code failed} or {@code disabled}) and the facts of its {@code registrationState}.
 *
 * @param registrationId the registration id DPS reports (the requested one when it reports none)
 * @param status the operation status
 * @param substatus e.g. {@code initialAssignment}, {@code deviceDataMigrated}; null when absent
 * @param assignedHub the IoT hub host name the device was assigned to; null unless assigned
 * @param deviceId the device id in the assigned hub; null unless assigned
 * @param errorCode the DPS error code of a failed registration (e.g. 404201); null when absent
 * @param errorMessage the DPS error message of a failed registration; null when absent
 * @param operationId the id of the registration operation
 */
public record RegistrationResult(
    String registrationId,
    String status,
    String substatus,
    String assignedHub,
    String deviceId,
    Integer errorCode,
    String errorMessage,
    String operationId) {

  /** Whether DPS assigned the device to a hub. */
  public boolean isAssigned() {
    return "assigned".equalsIgnoreCase(status);
  }
}
