package io.github.codexmcp.session;

import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Waits on several sessions at once ({@code codex_session} action {@code wait}) until one of them
 * ({@code any}) or all of them ({@code all}) need the caller, until the deadline, or until the
 * client cancels.
 *
 * <p>It holds no thread: a round registers one future with every session's waiters (completed by
 * the session's next change), then reads every session's view; when the condition does not hold yet
 * it keeps the future and arms a slice timer (at most {@value #SLICE_MS} ms, so progress is
 * reported at least that often and the deadline is honoured). Whatever completes the future first
 * (a session change, the timer, the cancellation) starts the next round on the work executor; the
 * future is removed from every session before that. Rounds of one wait never overlap: each starts
 * from the previous one's single future. A round takes each session's lock briefly (in {@link
 * Target#view()}) and never calls Codex, the disk or the MCP client under it; the progress observer
 * runs outside any lock.
 *
 * <p>Threads: the first round runs on the caller's thread, later ones on {@code work}; the slice
 * timer and the cancellation only complete the current wake-up. {@code lock} guards the current
 * wake-up and the slice timer; the progress bookkeeping belongs to the round in progress (rounds
 * are ordered by the future that starts each one).
 */
final class MultiWait {
  /** The longest wait a call may ask for. */
  static final long MAX_WAIT_MS = 120_000;

  /** Longest pause between two rounds (and two progress notifications). */
  static final long SLICE_MS = 5_000;

  /** One session as the wait sees it. */
  interface Target {
    String id();

    /** The session's state now (takes and releases its lock). */
    View view();

    /**
     * Registers {@code wake} to be completed on the session's next change. False when the session
     * is gone (removed since the wait began).
     */
    boolean addWaiter(CompletableFuture<Void> wake);

    /** Forgets {@code wake} (harmless when a change already took it out). */
    void removeWaiter(CompletableFuture<Void> wake);
  }

  /**
   * A session's state: its status wire name, the types of its unanswered requests ({@code
   * approval}, {@code user_input}) and their number, and the entry the caller renders ({@code
   * info}, not read here).
   */
  record View(
      String sessionId,
      String status,
      List<String> pendingTypes,
      int pendingCount,
      SessionView info) {
    /** Whether the caller has something to do: the turn is over or an answer is needed. */
    boolean needsCaller() {
      return !SessionStatus.RUNNING.wireName().equals(status) || pendingCount > 0;
    }
  }

  /** How the wait ended: every session's last view (in the order given) and who is ready. */
  record Outcome(List<View> views, List<String> ready, boolean timedOut) {}

  private final List<Target> targets;
  private final boolean all;
  private final long deadlineNanos;
  private final Clock clock;
  private final Timer timer;
  private final Executor work;
  private final CompletableFuture<Void> cancelled;
  private final Consumer<List<View>> progress;
  private final CompletableFuture<Outcome> done = new CompletableFuture<>();
  private final Object lock = new Object();
  private CompletableFuture<Void> current; // guarded by lock: the round's wake-up
  private Timer.Cancellable sliceTimer; // guarded by lock; null between slices
  private int lastReadyCount = -1; // rounds only (never two at once)
  private long nextProgressNanos; // rounds only

  private MultiWait(
      List<Target> targets,
      boolean all,
      long waitMs,
      Clock clock,
      Timer timer,
      Executor work,
      CompletableFuture<Void> cancelled,
      Consumer<List<View>> progress) {
    this.targets = List.copyOf(targets);
    this.all = all;
    this.clock = clock;
    this.timer = timer;
    this.work = work;
    this.cancelled = cancelled;
    this.progress = progress;
    long ms = Math.max(0, Math.min(waitMs, MAX_WAIT_MS));
    this.deadlineNanos = clock.nanoTime() + Duration.ofMillis(ms).toNanos();
    this.nextProgressNanos = clock.nanoTime();
  }

  /**
   * Starts a wait; the first round runs on the calling thread.
   *
   * @param progress told of every session's view on the first round, when the number of ready
   *     sessions changes, and once per slice; null for none
   */
  static CompletableFuture<Outcome> start(
      List<Target> targets,
      boolean all,
      long waitMs,
      Clock clock,
      Timer timer,
      Executor work,
      CompletableFuture<Void> cancelled,
      Consumer<List<View>> progress) {
    MultiWait w = new MultiWait(targets, all, waitMs, clock, timer, work, cancelled, progress);
    cancelled.whenComplete((v, e) -> w.wakeCurrent());
    w.round();
    return w.done;
  }

  /**
   * One round: registers a fresh wake-up with every session first, then reads their views, so a
   * change that lands between the read and the wait still wakes it (reading first and registering
   * after lost such a change until the slice ended).
   */
  private void round() {
    CompletableFuture<Void> wake = new CompletableFuture<>();
    List<Target> registered = register(wake);
    try {
      List<View> views = new ArrayList<>(targets.size());
      List<String> ready = new ArrayList<>();
      for (Target t : targets) {
        View v = t.view();
        views.add(v);
        if (v.needsCaller()) {
          ready.add(v.sessionId());
        }
      }
      boolean met = all ? ready.size() == targets.size() : !ready.isEmpty();
      long remaining = deadlineNanos - clock.nanoTime();
      if (met || remaining <= 0 || cancelled.isDone()) {
        unregister(registered, wake);
        endSlice();
        done.complete(new Outcome(views, ready, !met));
        return;
      }
      report(views, ready.size());
      park(wake, registered, remaining);
    } catch (RuntimeException e) {
      unregister(registered, wake);
      endSlice();
      done.completeExceptionally(e);
    }
  }

  /** Adds {@code wake} to every session's waiters; a session that is gone completes it at once. */
  private List<Target> register(CompletableFuture<Void> wake) {
    List<Target> registered = new ArrayList<>(targets.size());
    for (Target t : targets) {
      if (!t.addWaiter(wake)) {
        wake.complete(null); // gone: this round's view reports it
        break;
      }
      registered.add(t);
    }
    return registered;
  }

  private static void unregister(List<Target> registered, CompletableFuture<Void> wake) {
    for (Target t : registered) {
      t.removeWaiter(wake);
    }
  }

  private void report(List<View> views, int readyCount) {
    if (progress == null) {
      return;
    }
    long now = clock.nanoTime();
    if (readyCount != lastReadyCount || now - nextProgressNanos >= 0) {
      lastReadyCount = readyCount;
      nextProgressNanos = now + Duration.ofMillis(SLICE_MS).toNanos();
      progress.accept(views);
    }
  }

  /**
   * Waits for the round's wake-up and arms the slice timer when no slice is running (one timer per
   * slice, not per round: a streaming session wakes the wait on every event).
   */
  private void park(CompletableFuture<Void> wake, List<Target> registered, long remainingNanos) {
    synchronized (lock) {
      current = wake;
      if (sliceTimer == null) {
        long slice = Math.min(Duration.ofNanos(remainingNanos).toMillis() + 1, SLICE_MS);
        sliceTimer = timer.schedule(Duration.ofMillis(slice), this::sliceEnded);
      }
    }
    if (cancelled.isDone()) {
      wake.complete(null);
    }
    wake.thenRunAsync(
        () -> {
          synchronized (lock) {
            current = null;
          }
          unregister(registered, wake);
          round();
        },
        work);
  }

  private void sliceEnded() {
    synchronized (lock) {
      sliceTimer = null;
    }
    wakeCurrent();
  }

  private void endSlice() {
    Timer.Cancellable t;
    synchronized (lock) {
      t = sliceTimer;
      sliceTimer = null;
    }
    if (t != null) {
      t.cancel();
    }
  }

  private void wakeCurrent() {
    CompletableFuture<Void> c;
    synchronized (lock) {
      c = current;
    }
    if (c != null) {
      c.complete(null);
    }
  }
}
