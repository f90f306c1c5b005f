package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.PollContext;
import io.github.codexmcp.events.PollOptions;
import io.github.codexmcp.events.PollOutcome;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.Poller;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.events.ResponseMode;
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
    String status = s.status.wireName();
    List<ObjectNode> actions = new ArrayList<>();
    for (PendingRequest p : s.pending.values()) {
      if (!p.resolved) {
        actions.add(p.toAction());
      }
    }
    ObjectNode result = s.status.isTerminal() ? s.lastResult : null;
    return new PollContext(
        s.id,
        status,
        ProgressTracker.pollInterval(status),
        s.progress.snapshot(status, s.activeTurnId, s.unresolvedCount()),
        s.lastEventCursor,
        actions,
        result,
        s.events);
  }

  private PollOutcome pollLocked(Session s, PollRequest req, boolean monotonic) {
    PollOutcome o = monotonic ? Poller.pollMonotonic(req, context(s)) : Poller.poll(req, context(s));
    s.lastEventCursor = o.sessionCursor();
    s.events.markConsumed(s.lastEventCursor);
    ProgressTracker.enrichCheckResponse(
        o.response(), s.status.wireName(), s.status == SessionStatus.WAITING_APPROVAL ? s.pendingActionTypes() : List.of());
    return o;
  }

  /** An immediate poll. */
  public ObjectNode poll(String sessionId, PollRequest req) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      return pollLocked(s, req, false).response();
    }
  }

  /**
   * A long poll: returns as soon as the poll has events, actions or a result, else waits for a
   * change until {@code waitMs} (at most 120 s) has passed or {@code cancelled} completes.
   */
  public CompletableFuture<ObjectNode> longPoll(
      String sessionId, PollRequest req, long waitMs, CompletableFuture<Void> cancelled, WaitObserver observer) {
    long deadline = manager.clock.millis() + Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
    return longPollRound(manager.require(sessionId), req, deadline, cancelled, observer);
  }

  private CompletableFuture<ObjectNode> longPollRound(
      Session s, PollRequest req, long deadline, CompletableFuture<Void> cancelled, WaitObserver observer) {
    CompletableFuture<Void> waiter;
    PollRequest next;
    synchronized (s) {
      PollOutcome o = pollLocked(s, req, false);
      long remaining = deadline - manager.clock.millis();
      if (o.visibleData() || cancelled.isDone() || remaining <= 0 || manager.isClosed()) {
        return CompletableFuture.completedFuture(o.response());
      }
      next = new PollRequest(o.nextCursor(), req.maxEvents(), req.responseMode(), req.options());
      waiter = register(s, Math.min(remaining, WAIT_SLICE_MS), cancelled);
      if (waiter == null) {
        SessionManager.LOG.warn(
            "[codex-mcp] Long-poll wait refused for session '{}': [codex-mcp] Too many concurrent long-poll waiters for session '{}' (max {})",
            s.id, s.id, MAX_WAITERS);
        return CompletableFuture.completedFuture(pollLocked(s, next, false).response());
      }
      observer.accept(s.progress.snapshot(s.status.wireName(), s.activeTurnId, s.unresolvedCount()));
    }
    // Look the session up again: an evicted session must end the wait (SESSION_NOT_FOUND), not
    // be polled until the deadline.
    return waiter.thenCompose(v -> longPollRound(manager.require(s.id), next, deadline, cancelled, observer));
  }

  /**
   * Registers a waiter completed by the next change, after {@code timeoutMs}, or on cancellation;
   * null when the session already has {@link #MAX_WAITERS} waiters. Caller holds the lock.
   */
  private CompletableFuture<Void> register(Session s, long timeoutMs, CompletableFuture<Void> cancelled) {
    if (s.waiters.size() >= MAX_WAITERS) {
      return null;
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    s.waiters.add(f);
    Timer.Cancellable t = manager.timer.schedule(Duration.ofMillis(Math.max(0, timeoutMs)), () -> f.complete(null));
    cancelled.whenComplete((v, e) -> f.complete(null));
    f.whenComplete(
        (v, e) -> {
          t.cancel();
          synchronized (s) {
            s.waiters.remove(f);
          }
        });
    return f;
  }

  /** {@code respond_permission} followed by the monotonic poll. */
  public ObjectNode respondPermission(
      String sessionId,
      String requestId,
      String decision,
      List<String> execAmendment,
      JsonNode networkAmendment,
      String denyMessage,
      PollRequest req) {
    manager.serverRequests.respondPermission(sessionId, requestId, decision, execAmendment, networkAmendment, denyMessage);
    return pollAfterRespond(sessionId, req);
  }

  /** {@code respond_user_input} followed by the monotonic poll. */
  public ObjectNode respondUserInput(String sessionId, String requestId, ObjectNode answers, PollRequest req) {
    manager.serverRequests.respondUserInput(sessionId, requestId, answers);
    return pollAfterRespond(sessionId, req);
  }

  private ObjectNode pollAfterRespond(String sessionId, PollRequest req) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      return pollLocked(s, req, true).response();
    }
  }

  // ---------------------------------------------------------------- foreground wait

  /**
   * Waits up to {@code waitMs} (at most 300 s) for the session's turn to finish; returns early
   * when the turn needs an answer from the client, when waiting is refused, or on cancellation.
   */
  public CompletableFuture<ObjectNode> foreground(
      String sessionId,
      String threadId,
      long waitMs,
      List<String> compatWarnings,
      CompletableFuture<Void> cancelled,
      WaitObserver observer) {
    long requested = waitMs;
    long deadline = manager.clock.millis() + Math.min(waitMs, MAX_FOREGROUND_MS);
    return foregroundRound(sessionId, threadId, requested, deadline, compatWarnings, cancelled, observer);
  }

  private CompletableFuture<ObjectNode> foregroundRound(
      String sessionId,
      String threadId,
      long requested,
      long deadline,
      List<String> warnings,
      CompletableFuture<Void> cancelled,
      WaitObserver observer) {
    Session s = manager.sessions.get(sessionId);
    if (s == null) {
      return CompletableFuture.completedFuture(
          foregroundResponse(null, sessionId, threadId, "error", requested, null, warnings));
    }
    CompletableFuture<Void> waiter;
    synchronized (s) {
      String status = s.status.wireName();
      long remaining = deadline - manager.clock.millis();
      if (s.status.isTerminal()) {
        return CompletableFuture.completedFuture(foregroundResponse(s, sessionId, threadId, status, requested, null, warnings));
      }
      if (s.status == SessionStatus.WAITING_APPROVAL) {
        return CompletableFuture.completedFuture(
            foregroundResponse(s, sessionId, threadId, status, requested, "interactive_poll_required", warnings));
      }
      if (remaining <= 0 || cancelled.isDone() || manager.isClosed()) {
        return CompletableFuture.completedFuture(
            foregroundResponse(s, sessionId, threadId, status, requested, "wait_for_result_timeout", warnings));
      }
      waiter = register(s, Math.min(remaining, WAIT_SLICE_MS), cancelled);
      if (waiter == null) {
        return CompletableFuture.completedFuture(
            foregroundResponse(s, sessionId, threadId, status, requested, "wait_refused", warnings));
      }
      observer.accept(s.progress.snapshot(status, s.activeTurnId, s.unresolvedCount()));
    }
    return waiter.thenCompose(
        v -> foregroundRound(sessionId, threadId, requested, deadline, warnings, cancelled, observer));
  }

  /** The foreground response of spec 20 §5; caller holds the lock when {@code s} is non-null. */
  private ObjectNode foregroundResponse(
      Session s, String sessionId, String threadId, String status, long requested, String fallback, List<String> warnings) {
    ObjectNode o = Json.object();
    o.put("sessionId", sessionId);
    String tid = s != null && s.threadId != null ? s.threadId : threadId;
    if (tid != null) {
      o.put("threadId", tid);
    }
    boolean terminal = ProgressTracker.isTerminal(status);
    List<String> pendingTypes = s == null ? List.of() : s.pendingActionTypes();
    String completedAt = null;
    if (terminal) {
      ObjectNode result = s == null ? null : s.lastResult;
      if (result != null) {
        o.set("result", result);
        completedAt = Json.text(result, "completedAt");
      }
      if (completedAt == null) {
        completedAt = manager.now();
      }
    }
    o.put("status", status);
    if (completedAt != null) {
      o.put("completedAt", completedAt);
    }
    if (warnings != null && !warnings.isEmpty()) {
      ArrayNode w = o.putArray("compatWarnings");
      warnings.forEach(w::add);
    }
    ObjectNode progress = s == null ? Json.object() : s.progress.snapshot(status, s.activeTurnId, s.unresolvedCount());
    if (s == null) {
      progress.put("phase", "error").put("lastEventAt", manager.now()).put("pendingActionCount", 0);
    }
    o.set("progress", ProgressTracker.coerce(status, progress, completedAt, pendingTypes.size()));
    Long interval = ProgressTracker.pollInterval(status);
    if (interval != null) {
      o.put("pollInterval", interval);
    }
    ObjectNode exec = o.putObject("execution");
    exec.put("requested", "foreground");
    exec.put("effective", terminal ? "foreground" : "background");
    exec.put("waitForResultMs", requested);
    if (!terminal && fallback != null) {
      exec.put("fallbackReason", fallback);
    }
    o.put("interactionState", ProgressTracker.interactionState(status));
    o.put("recommendedNextAction", ProgressTracker.recommendedNextAction(status, pendingTypes));
    return o;
  }
}
