package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.CertificateStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metric {@code dps_operator_certificate_expiry_timestamp_seconds}: the end of validity of each
 * X.509 certificate an enrollment or group puts in DPS, so that an alert can fire before devices
 * fail (for example {@code dps_operator_certificate_expiry_timestamp_seconds - time() < 7 *
 * 86400}). One series per resource and role; removed with the resource.
 */
public final class CertificateExpiryGauges {
  /** The metric name, as Prometheus shows it. */
  public static final String METRIC = "dps_operator_certificate_expiry_timestamp_seconds";

  private final MeterRegistry registry;
  private final String kind;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  private record Series(Gauge gauge, AtomicLong value) {}

  public CertificateExpiryGauges(MeterRegistry registry, String kind) {
    this.registry = registry;
    this.kind = kind;
  }

  /** Sets the series of one resource to the certificates it uses now. */
  public void update(String namespace, String name, List<CertificateStatus> certificates) {
    String prefix = namespace + "/" + name + "/";
    series.keySet().stream()
        .filter(k -> k.startsWith(prefix))
        .filter(k -> certificates.stream().noneMatch(c -> k.equals(prefix + c.getRole())))
        .toList()
        .forEach(this::drop);
    for (CertificateStatus c : certificates) {
      long seconds = Instant.parse(c.getNotAfter()).getEpochSecond();
      series
          .computeIfAbsent(
              prefix + c.getRole(),
              k -> {
                AtomicLong value = new AtomicLong(seconds);
                Gauge gauge =
                    Gauge.builder(
                            "dps_operator_certificate_expiry_timestamp", value, AtomicLong::get)
                        .baseUnit("seconds")
                        .description("End of validity of an X.509 certificate in use, Unix time")
                        .tags(
                            Tags.of(
                                "kind",
                                kind,
                                "namespace",
                                namespace,
                                "name",
                                name,
                                "role",
                                c.getRole()))
                        .register(registry);
                return new Series(gauge, value);
              })
          .value()
          .set(seconds);
    }
  }

  /** Removes the series of a resource that is gone. */
  public void remove(String namespace, String name) {
    String prefix = namespace + "/" + name + "/";
    series.keySet().stream().filter(k -> k.startsWith(prefix)).toList().forEach(this::drop);
  }

  private void drop(String key) {
    Series s = series.remove(key);
    if (s != null) {
      registry.remove(s.gauge());
    }
  }
}
