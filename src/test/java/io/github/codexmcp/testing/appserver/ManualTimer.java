package io.github.codexmcp.testing.appserver;

import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Timer} driven by the test: tasks run on the thread calling {@link #advance}, in due
 * order, when the manual time reaches their deadline. Thread-safe.
 */
public final class ManualTimer implements Timer {
  private final List<Task> tasks = new ArrayList<>();
  private long nowNanos;
  private long sequence;

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(nowNanos + Math.max(0, delay.toNanos()), sequence++, task, delay);
    tasks.add(t);
    return () -> {
      synchronized (ManualTimer.this) {
        tasks.remove(t);
      }
    };
  }

  /** Moves time forward, running every task that falls due (including ones scheduled meanwhile). */
  public void advance(Duration by) {
    long target;
    synchronized (this) {
      target = nowNanos + by.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.due <= target)
                .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq))
                .orElse(null);
        if (next == null) {
          nowNanos = target;
          return;
        }
        tasks.remove(next);
        nowNanos = Math.max(nowNanos, next.due);
      }
      next.body.run();
    }
  }

  /** Number of tasks still scheduled. */
  public synchronized int pending() {
    return tasks.size();
  }

  /** Delays of the tasks still scheduled, in scheduling order. */
  public synchronized List<Duration> pendingDelays() {
    List<Duration> out = new ArrayList<>();
    for (Task t : tasks) {
      out.add(t.delay);
    }
    return out;
  }

  private static final class Task {
    final long due;
    final long seq;
    final Runnable body;
    final Duration delay;

    Task(long due, long seq, Runnable body, Duration delay) {
      this.due = due;
      this.seq = seq;
      this.body = body;
      this.delay = delay;
    }
  }
}
