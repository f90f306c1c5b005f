package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.CodexNotification;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.NotificationMapper;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.events.Timestamps;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One session: its state and the transitions that change it. Each transition is a method that runs
 * under the session's monitor, changes the state, appends events to the session's buffer, and
 * returns the {@link Effects} that must follow (documents to persist, answers for Codex, waiters to
 * wake), which the caller carries out with {@link SessionEffects} after the lock is released. The
 * status changes in {@link #moveTo} only.
 *
 * <p><b>Concurrency.</b> Every mutable field is guarded by the session's monitor ({@code
 * synchronized (session)}); the monitor is held for in-memory work only: never across a call into
 * Codex, the disk or the MCP client. Appending an event calls the buffer's listener (the event log
 * of {@link PersistenceHook}, which only enqueues) under the monitor, so the log keeps the buffer's
 * order. {@link PersistOrder} orders the persistence of effects of concurrent transitions.
 * Transitions are called from tool-call threads, the session's inbox (Codex's reports, see {@link
 * BackendEvents}) and the timer thread.
 */
final class Session {
  final String id;
  final long seq; // order in which the session was registered (tie-break for equal createdAt)
  final String createdAt;
  final long approvalTimeoutMs;
  final String profile;
  final ObjectNode config;
  final EventRing events;
  final ProgressTracker progress;
  final PendingRequests pending = new PendingRequests();
  final SessionExtras extras = new SessionExtras(null, null);
  private final Clock clock;
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  private SessionStatus status;
  private String threadId;
  private String activeTurnId;
  private String lastActiveAt;
  private long lastActiveMillis;
  private String cancelledAt;
  private String cancelledReason;
  private Settings settings = Settings.NONE;

  /** What was damaged in the session's state on disk when it was recovered (empty: nothing). */
  private List<String> damaged = List.of();

  private long lastEventCursor;
  private ObjectNode lastResult;
  private String lastAgentMessageText;
  private String finalAnswerText;
  private boolean turnHasOutputSchema;
  private boolean ttlWarned;
  private CodexBackend backend;
  private CompletableFuture<Void> cancelling;

  /** Versions the documents snapshotted here and saves them in order ({@link SessionEffects}). */
  final PersistOrder persistOrder = new PersistOrder();

  Session(
      String id,
      long seq,
      Clock clock,
      String createdAt,
      long approvalTimeoutMs,
      String profile,
      ObjectNode config,
      EventRing events,
      SessionStatus status) {
    this.id = id;
    this.seq = seq;
    this.clock = clock;
    this.createdAt = createdAt;
    this.lastActiveAt = createdAt;
    this.lastActiveMillis = clock.millis();
    this.approvalTimeoutMs = approvalTimeoutMs;
    this.profile = profile;
    this.config = config;
    this.events = events;
    this.progress = new ProgressTracker(clock, createdAt);
    this.status = status;
  }

  // ---------------------------------------------------------------- state (caller holds the lock)

  /** The one place the status changes. */
  private void moveTo(SessionStatus next) {
    status = next;
  }

  SessionStatus status() {
    return status;
  }

  String threadId() {
    return threadId;
  }

  String activeTurnId() {
    return activeTurnId;
  }

  String lastActiveAt() {
    return lastActiveAt;
  }

  long lastActiveMillis() {
    return lastActiveMillis;
  }

  String cancelledAt() {
    return cancelledAt;
  }

  String cancelledReason() {
    return cancelledReason;
  }

  Settings settings() {
    return settings;
  }

  List<String> damaged() {
    return damaged;
  }

  long lastEventCursor() {
    return lastEventCursor;
  }

  ObjectNode lastResult() {
    return lastResult;
  }

  CodexBackend backend() {
    return backend;
  }

  String now() {
    return Timestamps.now(clock);
  }

  void touch() {
    lastActiveAt = now();
    lastActiveMillis = clock.millis();
  }

  /** For tests: pretends the last activity was {@code ms} earlier. */
  synchronized void age(long ms) {
    lastActiveMillis -= ms;
  }

  void push(EventType type, JsonNode data, boolean pinned) {
    events.push(type, data, pinned);
  }

  /** Records the poll's new cursor; caller holds the lock. */
  void consumedTo(long cursor) {
    lastEventCursor = cursor;
    events.markConsumed(cursor);
  }

  List<CompletableFuture<Void>> waiters() {
    return waiters;
  }

  /** The effects of {@code fx}, with the documents snapshotted now; caller holds the lock. */
  Effects effects(Effects.Builder fx) {
    ObjectNode meta = null;
    long mv = 0;
    if (fx.meta) {
      meta = SessionViews.meta(this);
      mv = persistOrder.nextMetaVersion();
    }
    ObjectNode result = null;
    long rv = 0;
    if (fx.result && lastResult != null) {
      result = lastResult;
      rv = persistOrder.nextResultVersion();
    }
    List<CompletableFuture<Void>> w = List.of();
    if (fx.wake && !waiters.isEmpty()) {
      w = new ArrayList<>(waiters);
      waiters.clear();
    }
    if (meta == null && result == null && fx.replies.isEmpty() && w.isEmpty()) {
      return Effects.NONE;
    }
    return new Effects(meta, mv, result, rv, fx.replyTo, List.copyOf(fx.replies), w);
  }

  // ---------------------------------------------------------------- create, fork, recover

  /** A new session's first turn is being started on {@code b}. */
  synchronized Effects begin(
      CodexBackend b, Path cwd, String model, String policy, String sandbox, String warning) {
    moveTo(SessionStatus.RUNNING);
    this.settings = new Settings(cwd, model, policy, sandbox);
    this.backend = b;
    if (warning != null) {
      push(EventType.PROGRESS, TurnLifecycle.compatEvent(warning), false);
    }
    return Effects.NONE;
  }

  /** A fork of {@code src}'s thread is being made on {@code b}: idle from the start. */
  synchronized Effects beginFork(CodexBackend b, SessionChecks.ForkSource src) {
    moveTo(SessionStatus.IDLE);
    this.settings = src.settings();
    this.backend = b;
    return effects(new Effects.Builder().meta());
  }

  /** The spawned child has its initialize request: record the session on disk. */
  synchronized Effects spawned() {
    return effects(new Effects.Builder().meta());
  }

  /** Codex created the thread (first turn about to start) or the fork. */
  synchronized Effects threadReady(String tid, boolean hasOutputSchema, boolean replace) {
    if (replace || threadId == null) {
      threadId = tid;
    }
    turnHasOutputSchema = hasOutputSchema;
    return effects(new Effects.Builder().meta());
  }

  /** A new session could not be started (it is dropped afterwards). */
  synchronized Effects failed(String message, boolean withEvent) {
    moveTo(SessionStatus.ERROR);
    if (withEvent) {
      push(EventType.ERROR, Json.object().put("message", message), false);
    }
    return Effects.NONE;
  }

  /** State read back from disk at startup; the session has no backend. */
  synchronized void restore(
      SessionStatus st,
      String tid,
      Settings restored,
      String cancelledAt,
      String cancelledReason,
      ObjectNode result,
      List<String> damage) {
    moveTo(st);
    this.damaged = List.copyOf(damage);
    this.threadId = tid;
    this.settings = restored;
    this.cancelledAt = cancelledAt;
    this.cancelledReason = cancelledReason;
    touch();
    this.lastResult = result;
    if (result != null) {
      String text = Json.text(result, "text");
      lastAgentMessageText = text != null ? text : Json.text(result, "output");
      progress.mergeTokens(result.path("turn").path("usage"));
    }
  }

  // ---------------------------------------------------------------- turns

  /** A new turn starts (after {@link SessionChecks#turnable}, under the same lock): running. */
  Effects beginTurn(boolean hasOutputSchema) {
    events.removeResultsAndErrors();
    lastAgentMessageText = null;
    finalAnswerText = null;
    turnHasOutputSchema = hasOutputSchema;
    moveTo(SessionStatus.RUNNING);
    touch();
    return effects(new Effects.Builder().meta().wake());
  }

  /** Codex accepted {@code turn/start}: its turn id and the overrides that took effect. */
  synchronized Effects turnAccepted(
      String turnId, String newModel, String newPolicy, Path newCwd, String newSandbox) {
    if (turnId != null) {
      activeTurnId = turnId;
    }
    settings = settings.with(newCwd, newModel, newPolicy, newSandbox);
    return effects(new Effects.Builder().meta());
  }

  /** {@code turn/start} of a reply failed. */
  synchronized Effects turnStartFailed(String message) {
    if (status != SessionStatus.CANCELLED) {
      moveTo(SessionStatus.ERROR);
    }
    push(EventType.ERROR, Json.object().put("message", message), false);
    return effects(new Effects.Builder().meta().wake());
  }

  synchronized void terminalsCleaned(String tid) {
    touch();
    push(
        EventType.PROGRESS,
        Json.object()
            .put("method", "thread/backgroundTerminals/clean")
            .put("threadId", tid)
            .put("status", "requested"),
        true);
  }

  // ---------------------------------------------------------------- cancel, teardown

  /** The outcome of {@link #cancel}: the operation to wait on, and what to do when first. */
  record Cancel(CompletableFuture<Void> op, boolean first, CodexBackend backend, Effects effects) {}

  /** Cancels (idempotent: a cancel in progress is shared, a cancelled session is done). */
  synchronized Cancel cancel(String reason) {
    if (cancelling != null) {
      return new Cancel(cancelling, false, null, Effects.NONE);
    }
    if (status == SessionStatus.CANCELLED) {
      return new Cancel(CompletableFuture.completedFuture(null), false, null, Effects.NONE);
    }
    CompletableFuture<Void> op = new CompletableFuture<>();
    cancelling = op;
    CodexBackend b = backend;
    String why = reason == null ? "Cancelled by user" : reason;
    moveTo(SessionStatus.CANCELLED);
    cancelledAt = now();
    touch();
    cancelledReason = why;
    Effects.Builder fx = new Effects.Builder().meta().result().wake();
    pending.settleAll(b, fx);
    push(
        EventType.PROGRESS,
        Json.object().put("message", "Session cancelled").put("cancelledReason", why),
        true);
    String turnId = activeTurnId == null ? "" : activeTurnId;
    lastResult = TurnResults.synthetic(turnId, "cancelled", why, now());
    activeTurnId = null;
    push(
        EventType.RESULT,
        Json.object().put("status", "cancelled").put("reason", why).put("turnId", turnId),
        true);
    backend = null;
    return new Cancel(op, true, b, effects(fx));
  }

  synchronized void cancelFinished() {
    cancelling = null;
  }

  // a backendless session gets b (null drops it again); false when it has one
  synchronized boolean adopt(CodexBackend b) {
    boolean ok = b == null || backend == null;
    backend = ok ? b : backend;
    return ok;
  }

  /** Drops the backend (eviction, shutdown): pending requests are answered, waiters woken. */
  synchronized Effects detach(CodexBackend[] detached) {
    Effects.Builder fx = new Effects.Builder().wake();
    pending.settleAll(backend, fx);
    detached[0] = backend;
    backend = null;
    return effects(fx);
  }

  // ---------------------------------------------------------------- Codex's reports

  /** A streamed reply fragment (the hot path: thousands per answer). */
  synchronized Effects agentMessageDelta(JsonNode params) {
    touch();
    progress.observeFragment();
    push(EventType.OUTPUT, NotificationMapper.agentMessageDelta(params), false);
    return effects(new Effects.Builder().wake());
  }

  /** Any other notification. */
  synchronized Effects notification(String method, JsonNode params, CodexNotification n) {
    touch();
    extras.observe(method, params);
    progress.observe(method, params);
    boolean cancelled = status == SessionStatus.CANCELLED;
    Effects.Builder fx = new Effects.Builder().wake();
    if (n instanceof CodexNotification.ThreadStarted t) {
      if (t.threadId() != null && !t.threadId().equals(threadId)) {
        threadId = t.threadId();
        fx.meta();
      }
    } else if (n instanceof CodexNotification.TurnStarted t) {
      if (!cancelled) {
        activeTurnId = t.turnId();
      }
    } else if (n instanceof CodexNotification.AgentMessage m) {
      lastAgentMessageText = m.text();
      if (m.finalAnswer()) {
        finalAnswerText = m.text();
      }
    } else if (n instanceof CodexNotification.RequestResolved r) {
      pending.resolvedByCodex(this, r.requestId(), fx);
    }
    NotificationMapper.map(method, params, cancelled, activeTurnId)
        .ifPresent(e -> push(e.type(), e.data(), e.pinned()));
    if (!cancelled) {
      if (n instanceof CodexNotification.TurnCompleted t) {
        if (t.usage() != null) {
          progress.mergeTokens(t.usage());
        }
        lastResult =
            TurnResults.fromCompletedTurn(
                t, activeTurnId, finalAnswerText, lastAgentMessageText, turnHasOutputSchema, now());
        extras.decorate(lastResult);
        moveTo(SessionStatus.IDLE);
        activeTurnId = null;
        fx.meta().result();
      } else if (n instanceof CodexNotification.Error e && !e.willRetry()) {
        moveTo(SessionStatus.ERROR);
        fx.meta();
      }
    }
    return effects(fx);
  }

  /** The backend {@code b} died; ignored when it is no longer this session's. */
  synchronized Effects backendDied(CodexBackend b, String message) {
    if (backend != b) {
      return Effects.NONE;
    }
    Effects.Builder fx = new Effects.Builder().wake();
    pending.settleAll(backend, fx);
    if (status.isActive()) {
      moveTo(SessionStatus.ERROR);
      String completedAt = now();
      String turnId = activeTurnId == null ? "" : activeTurnId;
      lastResult = TurnResults.synthetic(turnId, "error", message, completedAt);
      activeTurnId = null;
      push(
          EventType.RESULT,
          Json.object()
              .put("status", "error")
              .put("turnId", turnId)
              .put("error", message)
              .put("completedAt", completedAt),
          true);
      push(EventType.ERROR, Json.object().put("message", message), true);
      fx.meta().result();
    }
    return effects(fx);
  }

  // ---------------------------------------------------------------- pending requests

  /** Parks a request: the session waits for the client's answer. Caller holds the lock. */
  void parked() {
    moveTo(SessionStatus.WAITING_APPROVAL);
  }

  /** Back to running once no request is left unanswered. Caller holds the lock. */
  void settled() {
    if (pending.unresolvedCount() == 0 && status == SessionStatus.WAITING_APPROVAL) {
      moveTo(SessionStatus.RUNNING);
    }
  }

  /** An answer could not be written: the request stays answerable. Caller holds the lock. */
  void answerUnsent() {
    if (status != SessionStatus.CANCELLED) {
      moveTo(SessionStatus.WAITING_APPROVAL);
    }
  }

  // ---------------------------------------------------------------- cleanup

  synchronized boolean ttlWarned() { // the cleanup's TTL warning was pushed
    return ttlWarned;
  }

  /** The cleanup's TTL warning (once per session); false when it was pushed already. */
  synchronized boolean warnTtl(long remainingMs) {
    if (ttlWarned) {
      return false;
    }
    ttlWarned = true;
    push(
        EventType.PROGRESS,
        Json.object()
            .put("method", "codex-mcp/ttl_warning")
            .put("type", "ttl_warning")
            .put("ttlRemainingMs", remainingMs)
            .put("sessionId", id),
        false);
    return true;
  }
}
