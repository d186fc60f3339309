package io.dpsoperator.operator.sync;

import io.dpsoperator.api.v1alpha1.DeviceSummary;
import io.dpsoperator.api.v1alpha1.RegistrationStateStatus;
import io.dpsoperator.dps.model.DeviceRegistrationState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Maps what DPS reports into status blocks. */
public final class StatusMapper {

  private StatusMapper() {}

  public static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  public static RegistrationStateStatus registration(DeviceRegistrationState state) {
    if (state == null) {
      return null;
    }
    RegistrationStateStatus s = new RegistrationStateStatus();
    s.setStatus(state.status());
    s.setSubstatus(state.substatus());
    s.setAssignedHub(state.assignedHub());
    s.setDeviceId(state.deviceId());
    s.setCreatedDateTimeUtc(time(state.createdDateTimeUtc()));
    s.setLastUpdatedDateTimeUtc(time(state.lastUpdatedDateTimeUtc()));
    s.setErrorCode(state.errorCode());
    s.setErrorMessage(state.errorMessage());
    return s;
  }

  /** Counts registrations by status. */
  public static DeviceSummary summary(List<DeviceRegistrationState> registrations, Instant now) {
    DeviceSummary s = new DeviceSummary();
    s.setTotal(registrations.size());
    s.setAssigned(count(registrations, "assigned"));
    s.setAssigning(count(registrations, "assigning"));
    s.setFailed(count(registrations, "failed"));
    s.setDisabled(count(registrations, "disabled"));
    s.setUnassigned(count(registrations, "unassigned"));
    registrations.stream()
        .map(
            r ->
                r.lastUpdatedDateTimeUtc() != null
                    ? r.lastUpdatedDateTimeUtc()
                    : r.createdDateTimeUtc())
        .filter(Objects::nonNull)
        .max(Instant::compareTo)
        .ifPresent(t -> s.setLatestRegistrationTime(t.toString()));
    s.setRefreshedTime(now.toString());
    return s;
  }

  /** Whether two summaries agree on everything but the refresh time. */
  public static boolean sameCounts(DeviceSummary a, DeviceSummary b) {
    return Objects.equals(a.getTotal(), b.getTotal())
        && Objects.equals(a.getAssigned(), b.getAssigned())
        && Objects.equals(a.getAssigning(), b.getAssigning())
        && Objects.equals(a.getFailed(), b.getFailed())
        && Objects.equals(a.getDisabled(), b.getDisabled())
        && Objects.equals(a.getUnassigned(), b.getUnassigned())
        && Objects.equals(a.getLatestRegistrationTime(), b.getLatestRegistrationTime());
  }

  private static int count(List<DeviceRegistrationState> registrations, String status) {
    return (int) registrations.stream().filter(r -> status.equalsIgnoreCase(r.status())).count();
  }
}
