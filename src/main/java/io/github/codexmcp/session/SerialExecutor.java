package io.github.codexmcp.session;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a session's inbox. {@link
 * #execute} only enqueues (any thread, never blocks); at most one pool task drains the queue at a
 * time, and it hands the pool thread back after {@value #BATCH} tasks so one busy session cannot
 * hold a pool thread for long. The queue and the {@code draining} flag are guarded by {@code this}.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  static final int BATCH = 256;
  private final Executor pool;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean draining;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (draining) {
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
