package io.dpsoperator.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the state in {@code <dataDirectory>/state.json}: loaded at start, written shortly after
 * each change (coalesced) and at stop, always through a temporary file and an atomic rename.
 */
final class Persistence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
  private static final long DELAY_MS = 100;

  private final Path file;
  private final EmulatorState state;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dps-emulator-persistence");
            t.setDaemon(true);
            return t;
          });

  Persistence(Path directory, EmulatorState state) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.file = directory.resolve("state.json");
    this.state = state;
  }

  void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      var root = Json.MAPPER.readTree(file.toFile());
      synchronized (state) {
        state.restore(root);
      }
      LOG.atInfo().addKeyValue("file", String.valueOf(file)).log("Loaded emulator state");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
  }

  void markDirty() {
    if (scheduled.compareAndSet(false, true)) {
      writer.schedule(this::flushQuietly, DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("file", String.valueOf(file))
          .addKeyValue("error", e.toString())
          .log("Could not write emulator state");
    }
  }

  synchronized void flush() {
    scheduled.set(false);
    ObjectNode snapshot;
    synchronized (state) {
      snapshot = state.snapshot();
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), snapshot);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    flush();
  }
}
