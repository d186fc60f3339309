package io.dpsoperator.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the emulator's threads against the whole JVM's, for benchmarks that run a load
 * generator in the emulator's JVM: what the emulator would serve on cores of its own.
 */
public final class EmulatorCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> threadsBefore = new HashMap<>();
  private final long processBefore;

  private EmulatorCpu() {
    for (long id : THREADS.getAllThreadIds()) {
      threadsBefore.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
    }
    processBefore = processCpu();
  }

  /** Starts counting from now. */
  public static EmulatorCpu start() {
    return new EmulatorCpu();
  }

  /** Nanoseconds of CPU the emulator's threads ({@code dps-emulator*}) used since the start. */
  public long emulatorNanos() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("dps-emulator")) {
        long now = THREADS.getThreadCpuTime(info.getThreadId());
        total += Math.max(0, now - threadsBefore.getOrDefault(info.getThreadId(), 0L));
      }
    }
    return total;
  }

  /** Nanoseconds of CPU the whole JVM used since the start. */
  public long processNanos() {
    return processCpu() - processBefore;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
