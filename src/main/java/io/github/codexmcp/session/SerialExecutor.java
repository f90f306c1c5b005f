package io.github.codexmcp.session;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a session's inbox. {@link
 * #execute} only enqueues (any thread, never blocks); at most one pool task drains the queue at a
 * time, and it hands the pool thread back after {@value #BATCH} tasks so one busy session cannot
 * hold a pool thread for long.
 *
 * <p>{@link #hold()} and {@link #release()} bracket a burst from one producer (Codex's reader
 * thread, for the lines of one read): while held, tasks are queued but no drain is started, and
 * {@link #release()} starts one for the whole burst. Waking a pool thread per streamed line costs
 * more than applying the line. A drain already running keeps draining while held. The queue, the
 * {@code draining} flag and the {@code held} flag are guarded by {@code this}.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  static final int BATCH = 256;
  private final Executor pool;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean draining;
  private boolean held;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (draining || held) {
        return;
      }
      draining = true;
    }
    pool.execute(this::drain);
  }

  /** Until {@link #release()}, queued tasks wait for it (unless a drain is already running). */
  synchronized void hold() {
    held = true;
  }

  /** Ends {@link #hold()}: starts draining what was queued meanwhile. Idempotent. */
  void release() {
    synchronized (this) {
      held = false;
      if (draining || queue.isEmpty()) {
        return;
      }
      draining = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    for (int n = 0; ; n++) {
      Runnable r;
      synchronized (this) {
        if (n >= BATCH && !queue.isEmpty()) {
          break;
        }
        r = queue.poll();
        if (r == null) {
          draining = false;
          return;
        }
      }
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("[codex-mcp] session task failed", e);
      }
    }
    pool.execute(this::drain);
  }
}
