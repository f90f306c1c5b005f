package io.github.codexmcp.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A started child with piped streams. */
public interface ChildProcess {
  long pid();

  /** The child's stdin; null when stdin comes from the null device. */
  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  boolean isAlive();

  /** Completes with the exit code when the process ends (signals map to 128+n). */
  CompletableFuture<Integer> onExit();

  /**
   * Stops the process and every descendant (including commands in their own process groups): polite
   * signal first, forcible kill after {@code grace}. Completes when the root has exited or the
   * forcible kill was sent. Idempotent.
   */
  CompletableFuture<Void> terminate(Duration grace);
}
