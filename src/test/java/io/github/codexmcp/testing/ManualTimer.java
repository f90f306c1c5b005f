package io.github.codexmcp.testing;

import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Timer} on a {@link ManualClock}: a task is due {@code delay} after the clock's time at
 * scheduling. {@link #advance} moves the clock forward and runs every task that falls due, in due
 * order, on the calling thread, with the clock set to each task's due time while it runs (tasks
 * scheduled meanwhile run too if they fall due).
 */
public final class ManualTimer implements Timer {
  private final ManualClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  public ManualTimer(ManualClock clock) {
    this.clock = clock;
  }

  /** A timer on a clock of its own (for tests that only need deadlines, not wall time). */
  public ManualTimer() {
    this(new ManualClock());
  }

  public ManualClock clock() {
    return clock;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(clock.nanoTime() + Math.max(0, delay.toNanos()), sequence++, task, delay);
    tasks.add(t);
    return () -> {
      synchronized (ManualTimer.this) {
        tasks.remove(t);
      }
    };
  }

  /** Advances the clock by {@code by}, running due tasks. */
  public void advance(Duration by) {
    long target = clock.nanoTime() + by.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.due <= target)
                .min(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq))
                .orElse(null);
        if (next != null) {
          tasks.remove(next);
        }
      }
      if (next == null) {
        clock.advance(Duration.ofNanos(Math.max(0, target - clock.nanoTime())));
        return;
      }
      long gap = next.due - clock.nanoTime();
      if (gap > 0) {
        clock.advance(Duration.ofNanos(gap));
      }
      next.body.run();
    }
  }

  public void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
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
