package io.dpsoperator.dps;

import io.micrometer.core.instrument.MeterRegistry;

/** Makes ready-to-use DPS clients. */
public final class DpsClients {
  private DpsClients() {}

  /**
   * An {@link OkHttpDpsClient} wrapped in an {@link InstrumentedDpsClient} that reports to {@code
   * registry}.
   *
   * @throws IllegalArgumentException if the CA bundle cannot be read or parsed
   */
  public static DpsClient create(DpsClientConfig config, MeterRegistry registry) {
    return InstrumentedDpsClient.wrap(registry, listener -> new OkHttpDpsClient(config, listener));
  }
}
