package io.dpsoperator.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.TimeUnit;

/**
 * The requests the mock Kubernetes API has received, taken from its record and split by who sent
 * them (the benchmark's own client is told apart by its User-Agent) and by what they do: writes
 * (POST, PUT, PATCH, DELETE), reads (GET, LIST) and watches opened. Draining the record also keeps
 * it from growing with the run.
 */
final class KubeRequests {
  static final String BENCH_AGENT = "dps-fleet-benchmark";

  /** Requests of one sender since the previous drain. */
  record Counts(long writes, long reads, long watches) {
    long total() {
      return writes + reads + watches;
    }

    Counts plus(Counts o) {
      return new Counts(writes + o.writes, reads + o.reads, watches + o.watches);
    }

    @Override
    public String toString() {
      return writes + " writes, " + reads + " reads, " + watches + " watches opened";
    }
  }

  /** The operator's requests and the benchmark's own. */
  record Split(Counts operator, Counts bench) {}

  private final KubernetesMockServer server;

  KubeRequests(KubernetesMockServer server) {
    this.server = server;
  }

  Split drain() throws InterruptedException {
    long[] op = new long[3];
    long[] bench = new long[3];
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      String agent = r.getHeader("User-Agent");
      long[] to = agent != null && agent.contains(BENCH_AGENT) ? bench : op;
      String path = r.getPath() == null ? "" : r.getPath();
      if (!"GET".equalsIgnoreCase(r.getMethod())) {
        to[0]++;
      } else if (path.contains("watch=true")) {
        to[2]++;
      } else {
        to[1]++;
      }
    }
    return new Split(new Counts(op[0], op[1], op[2]), new Counts(bench[0], bench[1], bench[2]));
  }
}
