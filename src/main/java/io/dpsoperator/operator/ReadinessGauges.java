package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metric {@code dps_operator_resource_ready_status{kind, namespace, name, condition}}, shaped
 * like cert-manager's {@code certmanager_certificate_ready_status}: per resource one series for
 * each of {@code True}, {@code False} and {@code Unknown}, 1 for the status its Ready condition has
 * now and 0 for the other two. Removed with the resource. The reconcilers report each status they
 * compute; this class keeps no reference to the resources.
 */
public final class ReadinessGauges {
  /** The metric name, as Prometheus shows it. */
  public static final String METRIC = "dps_operator_resource_ready_status";

  /** The values of a condition's status, in Kubernetes' spelling. */
  static final List<String> STATUSES = List.of("True", "False", "Unknown");

  private final MeterRegistry registry;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  private record Series(AtomicReference<String> current, List<Gauge> gauges) {}

  public ReadinessGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Sets the series of a resource to the Ready condition of {@code status} (none: Unknown). */
  public void update(HasMetadata resource, DpsRecordStatus status) {
    String ready =
        status == null
            ? "Unknown"
            : Conditions.ready(status)
                .map(c -> c.getStatus())
                .filter(STATUSES::contains)
                .orElse("Unknown");
    series.computeIfAbsent(key(resource), k -> register(resource)).current().set(ready);
  }

  /** Removes the series of a resource that is gone. */
  public void remove(HasMetadata resource) {
    Series removed = series.remove(key(resource));
    if (removed != null) {
      removed.gauges().forEach(registry::remove);
    }
  }

  private Series register(HasMetadata resource) {
    AtomicReference<String> current = new AtomicReference<>("Unknown");
    Tags tags =
        Tags.of(
            "kind",
            resource.getKind(),
            "namespace",
            resource.getMetadata().getNamespace(),
            "name",
            resource.getMetadata().getName());
    List<Gauge> gauges =
        STATUSES.stream()
            .map(
                value ->
                    Gauge.builder(
                            "dps_operator_resource_ready_status",
                            current,
                            c -> value.equals(c.get()) ? 1 : 0)
                        .description(
                            "Whether the Ready condition of a resource has the status of the"
                                + " condition label (1) or not (0)")
                        .tags(tags.and("condition", value))
                        .register(registry))
            .toList();
    return new Series(current, gauges);
  }

  private static String key(HasMetadata resource) {
    return resource.getKind()
        + "/"
        + resource.getMetadata().getNamespace()
        + "/"
        + resource.getMetadata().getName();
  }
}
