package io.github.codexmcp.util;

import java.time.Duration;

/**
 * A task run again and again on a {@link Timer}, {@code period} after each run asks for the next
 * ({@link #schedule}), until {@link #stop}. The task itself calls {@link #schedule} when it is done
 * (possibly from another thread, after handing its work over), so runs never overlap.
 *
 * <p><b>Threads.</b> Any thread may call; nothing blocks. {@code next} and {@code running} are
 * volatile and no lock is taken: {@link #stop} clears {@code running} before it reads {@code next},
 * and {@link #schedule} stores {@code next} before it reads {@code running} again, so a schedule
 * racing with a stop is always cancelled by one of the two. A run already under way when {@link
 * #stop} is called finishes, but schedules nothing.
 */
public final class Periodic {
  private final Timer timer;
  private final Duration period;
  private final Runnable task;
  private volatile Timer.Cancellable next;
  private volatile boolean running;

  public Periodic(Timer timer, Duration period, Runnable task) {
    this.timer = timer;
    this.period = period;
    this.task = task;
  }

  /** Schedules the first run. */
  public void start() {
    running = true;
    schedule();
  }

  /** Cancels the next run; nothing is scheduled after this. */
  public void stop() {
    running = false;
    Timer.Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
  }

  /** Schedules the next run {@code period} from now, unless stopped. */
  public void schedule() {
    if (running) {
      Timer.Cancellable n = timer.schedule(period, task);
      next = n;
      if (!running) { // stopped meanwhile: stop() may have read the previous next
        n.cancel();
      }
    }
  }
}
