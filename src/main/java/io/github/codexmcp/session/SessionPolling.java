package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ActionType;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.events.PollContext;
import io.github.codexmcp.events.PollOutcome;
import io.github.codexmcp.events.PollPage;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.Poller;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Polling, answering and waiting: {@code codex_check} and the foreground waits of {@code codex} /
 * {@code codex_reply}. A poll costs a lock and a copy; waits hold no thread (they are futures
 * completed by session changes, the timer, or the client's cancellation).
 *
 * <p><b>Concurrency.</b> Called from tool-call threads; a wait's later rounds run on the thread
 * that woke it (a session's inbox, the timer thread, or the cancelling thread), one round at a
 * time. A poll reads the session and moves its cursor under the session's lock; a round registers
 * its waiter under the same lock, so no wake is lost in between. The wait observer (progress to the
 * MCP client) is called after the lock is released. {@code Rounds} guards its current waiter and
 * slice timer with its own monitor, taken inside the session's, never around it.
 *
 * <p>A poll answers with a {@link PollPage}: under the lock it selects the events, measures them
 * when {@code maxBytes} is set, and captures progress, actions and result; the page holds the
 * buffered {@link io.github.codexmcp.events.SessionEvent} records themselves, which are immutable,
 * so the caller renders it (shaping each event's data for the response mode) after the lock is
 * released.
 */
public final class SessionPolling {
  public static final long MAX_WAIT_MS = 120_000;
  public static final long MAX_FOREGROUND_MS = 300_000;
  static final long WAIT_SLICE_MS = 5_000;
  static final int MAX_WAITERS = 4;
  private final SessionManager manager;

  public SessionPolling(SessionManager manager) {
    this.manager = manager;
  }

  /** Observer of a wait in progress: called with the current phase at least every 5 s. */
  public interface WaitObserver extends Consumer<ObjectNode> {
    WaitObserver NONE = p -> {};
  }

  private PollContext context(Session s) {
    String status = s.status().wireName();
    List<ObjectNode> actions = new ArrayList<>();
    for (PendingRequest p : s.pending.unresolved()) {
      actions.add(ActionJson.render(p.toAction()));
    }
    ObjectNode result = s.status().isTerminal() ? s.lastResult() : null;
    return new PollContext(
        s.id,
        status,
        ProgressTracker.pollInterval(status),
        s.progress.snapshot(status, s.activeTurnId(), s.pending.unresolvedCount()),
        s.lastEventCursor(),
        actions,
        result,
        s.events);
  }

  private PollOutcome pollLocked(Session s, PollRequest req, boolean monotonic) {
    PollOutcome o =
        monotonic ? Poller.pollMonotonic(req, context(s)) : Poller.poll(req, context(s));
    s.consumedTo(o.sessionCursor());
    PollPage page =
        o.page()
            .withHints(
                s.status() == SessionStatus.WAITING_APPROVAL ? s.pending.actionTypes() : List.of());
    return new PollOutcome(page, o.sessionCursor(), o.visibleData());
  }

  /** An immediate poll. */
  public PollPage poll(String sessionId, PollRequest req) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      return pollLocked(s, req, false).page();
    }
  }

  /**
   * A long poll: returns as soon as the poll has events, actions or a result, else waits for a
   * change until {@code waitMs} (at most 120 s) has passed or {@code cancelled} completes.
   */
  public CompletableFuture<PollPage> longPoll(
      String sessionId,
      PollRequest req,
      long waitMs,
      CompletableFuture<Void> cancelled,
      WaitObserver observer) {
    long deadline = manager.clock.millis() + Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
    Rounds rounds = new Rounds(cancelled, observer);
    return longPollRound(manager.require(sessionId), req, deadline, rounds);
  }

  private CompletableFuture<PollPage> longPollRound(
      Session s, PollRequest req, long deadline, Rounds rounds) {
    CompletableFuture<Void> waiter;
    PollRequest next;
    synchronized (s) {
      rounds.leave(s);
      PollOutcome o = pollLocked(s, req, false);
      long remaining = deadline - manager.clock.millis();
      if (o.visibleData() || rounds.cancelled.isDone() || remaining <= 0 || manager.isClosed()) {
        rounds.end();
        return CompletableFuture.completedFuture(o.page());
      }
      next = new PollRequest(o.nextCursor(), req.maxEvents(), req.responseMode(), req.options());
      waiter = rounds.enter(s, remaining);
      if (waiter == null) {
        SessionManager.LOG.warn(
            "[codex-mcp] Long-poll wait refused for session '{}': [codex-mcp] Too many concurrent long-poll waiters for session '{}' (max {})",
            s.id,
            s.id,
            MAX_WAITERS);
        return CompletableFuture.completedFuture(pollLocked(s, next, false).page());
      }
    }
    rounds.report(s);
    // Look the session up again: an evicted session must end the wait (SESSION_NOT_FOUND), not
    // be polled until the deadline.
    return waiter.thenCompose(
        v -> longPollRound(requireAfterWait(s, rounds), next, deadline, rounds));
  }

  private Session requireAfterWait(Session waitedOn, Rounds rounds) {
    Session now = manager.registry.find(waitedOn.id);
    if (now != waitedOn) {
      synchronized (waitedOn) {
        rounds.leave(waitedOn);
      }
      rounds.end();
    }
    return manager.require(waitedOn.id);
  }

  /**
   * One wait across its rounds. A round ends when the session changes (every notification wakes the
   * session's waiters), when a 5 s slice ends, or on cancellation; the next round re-checks the
   * session. A foreground wait over a streaming turn has thousands of rounds, so a round costs one
   * future: the slice timer is armed once per slice, not per round, and cancellation is hooked once
   * per wait. The observer hears the first round, every phase change, and the first round of each
   * slice, not every notification. {@code observedPhase}, {@code toReport} and {@code hooked}
   * belong to the round in progress (rounds never overlap: each starts from the previous one's
   * waiter).
   */
  private final class Rounds {
    final CompletableFuture<Void> cancelled;
    private final WaitObserver observer;
    private CompletableFuture<Void> current; // guarded by this
    private Timer.Cancellable sliceTimer; // guarded by this
    private boolean sliceOver = true; // guarded by this; set by the slice's own timer
    private String observedPhase;
    private ObjectNode toReport;
    private boolean hooked;

    Rounds(CompletableFuture<Void> cancelled, WaitObserver observer) {
      this.cancelled = cancelled;
      this.observer = observer;
    }

    /**
     * Registers this round's waiter on {@code s} and observes the round; null (nothing registered)
     * when the session already has {@link #MAX_WAITERS} waiters. Caller holds {@code s}'s lock, so
     * no wake can come between the steps below.
     */
    CompletableFuture<Void> enter(Session s, long remainingMs) {
      if (s.waiters().size() >= MAX_WAITERS) {
        end();
        return null;
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      boolean newSlice;
      synchronized (this) {
        current = f;
        // a slice ends when its timer fires (not by reading a clock, which may run at another
        // pace than the timer's), so a wait always has a timer running
        newSlice = sliceOver;
        if (newSlice) {
          sliceOver = false;
          long slice = Math.max(0, Math.min(remainingMs, WAIT_SLICE_MS));
          sliceTimer = manager.timer.schedule(Duration.ofMillis(slice), this::sliceEnded);
        }
      }
      if (!hooked) {
        hooked = true;
        cancelled.whenComplete((v, e) -> wakeCurrent());
      }
      observe(s, newSlice);
      s.waiters().add(f);
      return f;
    }

    /**
     * Hands the observation of the round just entered to the observer; called with no lock held,
     * since the observer writes to the MCP client. When the observer fails, the round is left and
     * the wait ends with its exception.
     */
    void report(Session s) {
      ObjectNode r = toReport;
      toReport = null;
      if (r == null) {
        return;
      }
      try {
        observer.accept(r);
      } catch (RuntimeException e) {
        synchronized (s) {
          leave(s);
        }
        end();
        throw e;
      }
    }

    /**
     * Notes what to tell the observer (the first round, a phase change, each new slice) for {@link
     * #report}. Caller holds {@code s}'s lock.
     */
    private void observe(Session s, boolean newSlice) {
      if (observer == WaitObserver.NONE) {
        return;
      }
      String phase =
          ProgressTracker.phase(s.status().wireName(), s.activeTurnId(), s.progress.lastMethod());
      if (newSlice || !phase.equals(observedPhase)) {
        observedPhase = phase;
        toReport =
            s.progress.snapshot(
                s.status().wireName(), s.activeTurnId(), s.pending.unresolvedCount());
      }
    }

    /**
     * Ends the previous round: its waiter leaves {@code s} (a wake already took it out; a timer or
     * a cancellation did not). Caller holds {@code s}'s lock.
     */
    void leave(Session s) {
      CompletableFuture<Void> prev;
      synchronized (this) {
        prev = current;
        current = null;
      }
      if (prev != null) {
        s.waiters().remove(prev);
      }
    }

    /** Cancels the slice timer (the wait is over). */
    void end() {
      Timer.Cancellable t;
      synchronized (this) {
        t = sliceTimer;
        sliceTimer = null;
      }
      if (t != null) {
        t.cancel();
      }
    }

    private void sliceEnded() {
      CompletableFuture<Void> c;
      synchronized (this) {
        sliceOver = true;
        sliceTimer = null;
        c = current;
      }
      if (c != null) {
        c.complete(null);
      }
    }

    private void wakeCurrent() {
      CompletableFuture<Void> c;
      synchronized (this) {
        c = current;
      }
      if (c != null) {
        c.complete(null);
      }
    }
  }

  /** {@code respond_permission} followed by the monotonic poll. */
  public PollPage respondPermission(
      String sessionId, String requestId, ApprovalDecision decision, PollRequest req) {
    manager.answer(sessionId, requestId, decision);
    return pollAfterRespond(sessionId, req);
  }

  /** {@code respond_user_input} followed by the monotonic poll. */
  public PollPage respondUserInput(
      String sessionId, String requestId, ObjectNode answers, PollRequest req) {
    manager.respondUserInput(sessionId, requestId, answers);
    return pollAfterRespond(sessionId, req);
  }

  private PollPage pollAfterRespond(String sessionId, PollRequest req) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      return pollLocked(s, req, true).page();
    }
  }

  // ---------------------------------------------------------------- foreground wait

  /**
   * Waits up to {@code waitMs} (at most 300 s) for the session's turn to finish; returns early when
   * the turn needs an answer from the client, when waiting is refused, or on cancellation.
   */
  public CompletableFuture<ForegroundResult> foreground(
      String sessionId,
      String threadId,
      long waitMs,
      List<String> compatWarnings,
      CompletableFuture<Void> cancelled,
      WaitObserver observer) {
    long requested = waitMs;
    long deadline = manager.clock.millis() + Math.min(waitMs, MAX_FOREGROUND_MS);
    Rounds rounds = new Rounds(cancelled, observer);
    return foregroundRound(sessionId, threadId, requested, deadline, compatWarnings, rounds);
  }

  private CompletableFuture<ForegroundResult> foregroundRound(
      String sessionId,
      String threadId,
      long requested,
      long deadline,
      List<String> warnings,
      Rounds rounds) {
    Session s = manager.registry.find(sessionId);
    if (s == null) {
      rounds.end();
      return CompletableFuture.completedFuture(
          foregroundResult(
              null, sessionId, threadId, SessionStatus.ERROR, requested, null, warnings));
    }
    CompletableFuture<Void> waiter;
    synchronized (s) {
      rounds.leave(s);
      SessionStatus status = s.status();
      long remaining = deadline - manager.clock.millis();
      String fallback = null;
      if (s.status().isTerminal()) {
        fallback = "";
      } else if (s.status() == SessionStatus.WAITING_APPROVAL) {
        fallback = "interactive_poll_required";
      } else if (remaining <= 0 || rounds.cancelled.isDone() || manager.isClosed()) {
        fallback = "wait_for_result_timeout";
      }
      waiter = fallback == null ? rounds.enter(s, remaining) : null;
      if (waiter == null) {
        rounds.end();
        if (fallback == null) {
          fallback = "wait_refused";
        }
        return CompletableFuture.completedFuture(
            foregroundResult(
                s,
                sessionId,
                threadId,
                status,
                requested,
                fallback.isEmpty() ? null : fallback,
                warnings));
      }
    }
    rounds.report(s);
    return waiter.thenCompose(
        v -> foregroundRound(sessionId, threadId, requested, deadline, warnings, rounds));
  }

  /** The foreground answer of spec 20 §5; caller holds the lock when {@code s} is non-null. */
  private ForegroundResult foregroundResult(
      Session s,
      String sessionId,
      String threadId,
      SessionStatus status,
      long requested,
      String fallback,
      List<String> warnings) {
    String tid = s != null && s.threadId() != null ? s.threadId() : threadId;
    String wire = status.wireName();
    boolean terminal = status.isTerminal();
    List<String> pendingTypes = s == null ? List.of() : s.pending.actionTypes();
    ObjectNode result = null;
    String completedAt = null;
    if (terminal) {
      result = s == null ? null : s.lastResult();
      if (result != null) {
        completedAt = Json.text(result, "completedAt");
      }
      if (completedAt == null) {
        completedAt = manager.registry.now();
      }
    }
    ObjectNode progress =
        s == null
            ? Json.object()
            : s.progress.snapshot(wire, s.activeTurnId(), s.pending.unresolvedCount());
    if (s == null) {
      progress
          .put("phase", "error")
          .put("lastEventAt", manager.registry.now())
          .put("pendingActionCount", 0);
    }
    List<ActionType> types = new ArrayList<>();
    for (String t : pendingTypes) {
      types.add(ActionType.valueOf(t.toUpperCase(java.util.Locale.ROOT)));
    }
    return new ForegroundResult(
        sessionId,
        tid,
        status,
        result,
        completedAt,
        warnings,
        ProgressTracker.coerce(wire, progress, completedAt, pendingTypes.size()),
        ProgressTracker.pollInterval(wire),
        requested,
        terminal ? null : fallback,
        types);
  }
}
