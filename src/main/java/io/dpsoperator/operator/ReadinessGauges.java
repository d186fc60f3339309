package io.dpsoperator.operator;

import io.dpsoperator.api.v1alpha1.DpsRecordStatus;
import io.dpsoperator.operator.sync.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metric {@code dps_operator_resource_ready_status{kind, namespace, name, condition}}, shaped
 * like cert-manager's {@code certmanager_certificate_ready_status}: per resource one series for
 * each of {@code True}, {@code False} and {@code Unknown}, 1 for the status its Ready condition has
 * now and 0 for the other two. Removed with the resource. The reconcilers report each status they
 * compute; this class keeps no reference to the resources.
 *
 * <p>The series are made when Prometheus scrapes, from one small map entry per resource (as
 * kube-state-metrics does), not kept as three registered gauges per resource: at 10,000 resources
 * those cost about 12 MiB of heap. Published on a {@link PrometheusMeterRegistry}, the registry the
 * operator serves; other registries (the demo's) get nothing.
 */
public final class ReadinessGauges {
  /** The metric name, as Prometheus shows it. */
  public static final String METRIC = "dps_operator_resource_ready_status";

  /** The values of a condition's status, in Kubernetes' spelling. */
  static final List<String> STATUSES = List.of("True", "False", "Unknown");

  private static final String HELP =
      "Whether the Ready condition of a resource has the status of the condition label (1) or"
          + " not (0)";

  // One per registry: a metric name is collected once, whichever reconcilers report to it.
  private static final Map<MeterRegistry, ReadinessGauges> BY_REGISTRY = new WeakHashMap<>();

  private record Resource(String kind, String namespace, String name) {}

  private final Map<Resource, String> ready = new ConcurrentHashMap<>();

  private ReadinessGauges() {}

  /** The readiness series of a registry, published on it when it is first asked for. */
  public static ReadinessGauges of(MeterRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(
          registry,
          r -> {
            ReadinessGauges gauges = new ReadinessGauges();
            if (r instanceof PrometheusMeterRegistry prometheus) {
              prometheus.getPrometheusRegistry().register(gauges::collect);
            }
            return gauges;
          });
    }
  }

  /** Sets the series of a resource to the Ready condition of {@code status} (none: Unknown). */
  public void update(HasMetadata resource, DpsRecordStatus status) {
    String now =
        status == null
            ? "Unknown"
            : Conditions.ready(status)
                // The constant, not the status's own copy of the string.
                .flatMap(c -> STATUSES.stream().filter(s -> s.equals(c.getStatus())).findFirst())
                .orElse("Unknown");
    ready.put(key(resource), now);
  }

  /** Removes the series of a resource that is gone. */
  public void remove(HasMetadata resource) {
    ready.remove(key(resource));
  }

  private GaugeSnapshot collect() {
    GaugeSnapshot.Builder snapshot = GaugeSnapshot.builder().name(METRIC).help(HELP);
    ready.forEach(
        (resource, now) -> {
          for (String value : STATUSES) {
            snapshot.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(
                        Labels.of(
                            "kind",
                            resource.kind(),
                            "namespace",
                            resource.namespace(),
                            "name",
                            resource.name(),
                            "condition",
                            value))
                    .value(value.equals(now) ? 1 : 0)
                    .build());
          }
        });
    return snapshot.build();
  }

  private static Resource key(HasMetadata resource) {
    return new Resource(
        resource.getKind(),
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName());
  }
}
