package io.dpsoperator.emulator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A software TPM 2.0 (Debian's {@code swtpm}) in a process of its own, serving the TPM simulator
 * protocol on two free loopback ports (commands on {@link #port()}, control on the next one), with
 * its state in a temporary directory. Tests that need it skip when swtpm is not installed; {@code
 * .ci/run} installs it.
 */
public final class Swtpm implements AutoCloseable {
  private final Process process;
  private final Path state;
  private final int port;

  private Swtpm(Process process, Path state, int port) {
    this.process = process;
    this.state = state;
    this.port = port;
  }

  /** True if {@code swtpm} is on the PATH. */
  public static boolean installed() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    return Stream.of(path.split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "swtpm")));
  }

  /** Starts a fresh TPM (skips the calling test when swtpm is not installed). */
  public static Swtpm start() throws IOException {
    assumeTrue(
        installed(),
        "swtpm is not installed (apt-get install swtpm): the TPM attestation tests need a TPM");
    Path state = Files.createTempDirectory("swtpm");
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePortPair();
      Process p =
          new ProcessBuilder(
                  List.of(
                      "swtpm",
                      "socket",
                      "--tpm2",
                      "--server",
                      "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                      "--ctrl",
                      "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                      "--tpmstate",
                      "dir=" + state,
                      "--flags",
                      "not-need-init,startup-clear"))
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("swtpm.log").toFile())
              .start();
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> !p.isAlive() || (listening(port) && listening(port + 1)));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        p.destroyForcibly();
        last = new IOException("swtpm did not listen on port " + port);
        continue;
      }
      if (p.isAlive()) {
        return new Swtpm(p, state, port);
      }
      // Most likely a port taken between the probe and the bind: try other ports.
      last = new IOException("swtpm exited: " + Files.readString(state.resolve("swtpm.log")));
    }
    throw last;
  }

  /** The command port; the control port is the next one. */
  public int port() {
    return port;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Two consecutive free ports: asks the kernel for one and checks the next. */
  private static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int p = first.getLocalPort();
        if (p >= 65535) {
          continue;
        }
        try (ServerSocket second = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
          return p;
        } catch (IOException taken) {
          // try another pair
        }
      }
    }
    throw new IOException("no two consecutive free ports");
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
