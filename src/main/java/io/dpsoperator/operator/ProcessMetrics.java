package io.dpsoperator.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process metrics of the operator: memory, garbage collection, threads, classes, CPU,
 * open files and uptime (Micrometer's binders; {@code jvm_*}, {@code process_*}, {@code system_*}
 * in Prometheus). Bound once per registry by {@code run}.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private ProcessMetrics() {}

  /** Binds every process metric to the registry; close to stop listening to GC events. */
  public static ProcessMetrics bindTo(MeterRegistry registry) {
    ProcessMetrics metrics = new ProcessMetrics();
    new JvmMemoryMetrics().bindTo(registry);
    metrics.gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return metrics;
  }

  @Override
  public void close() {
    gc.close();
  }
}
