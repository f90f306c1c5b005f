package io.github.codexmcp.util;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Timer} on a single named daemon thread ({@code codex-mcp-timer}). {@link #schedule} may be
 * called from any thread and never blocks; tasks run one at a time on the timer thread and must not
 * block (a failing task is logged, the thread goes on).
 */
public final class ScheduledTimer implements Timer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledTimer.class);
  private final ScheduledExecutorService executor;

  public ScheduledTimer() {
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(1, Threads.daemonFactory("codex-mcp-timer"));
    ex.setRemoveOnCancelPolicy(true);
    this.executor = ex;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> f =
        executor.schedule(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                LOG.warn("[codex-mcp] timer task failed", e);
              }
            },
            Math.max(0, delay.toNanos()),
            TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
