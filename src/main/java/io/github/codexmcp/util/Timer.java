package io.github.codexmcp.util;

import java.time.Duration;

/**
 * Deferred-execution seam. Production uses one scheduled daemon thread; tests use a manual timer
 * driven by a manual clock. Tasks run on the timer's thread and must not block.
 */
public interface Timer {
  /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run yet. */
  Cancellable schedule(Duration delay, Runnable task);

  /** Handle of a scheduled task. */
  interface Cancellable {
    /** Cancels the task; harmless when it already ran or was cancelled. */
    void cancel();
  }
}
