package io.github.codexmcp.state;

import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link Timer} driven by {@link #advance}; tasks run on the calling (test) thread. */
final class ManualTimer implements Timer {
  private record Task(long dueNanos, long order, Runnable body, boolean[] cancelled) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long order;

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now + Math.max(0, delay.toNanos()), order++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time forward, running every task that falls due (including ones scheduled meanwhile). */
  void advance(Duration d) {
    long target = now + d.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> t.dueNanos() <= target)
                .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order))
                .orElse(null);
        if (next == null) {
          now = target;
          return;
        }
        tasks.remove(next);
        now = Math.max(now, next.dueNanos());
      }
      if (!next.cancelled()[0]) {
        next.body().run();
      }
    }
  }

  synchronized int pending() {
    return tasks.size();
  }
}
