package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.CodexNotification;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.NotificationMapper;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.events.Timestamps;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.CodexMcpException;
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
 * order. {@link #persistOrder} orders the persistence of effects of concurrent transitions.
 * Transitions are called from tool-call threads, the session's inbox (Codex's reports, see {@link
 * BackendEvents}) and the timer thread.
 */
final class Session {
  final String id;

  /** Order in which the session was registered (tie-break for equal {@code createdAt}). */
  final long seq;

  final String createdAt;
  final long approvalTimeoutMs;
  final String profile;
  final ObjectNode config;
  final EventRing events;
  final ProgressTracker progress;
  final PendingRequests pending = new PendingRequests();
  private final Clock clock;
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  private SessionStatus status;
  private String threadId;
  private String activeTurnId;
  private String lastActiveAt;
  private long lastActiveMillis;
  private String cancelledAt;
  private String cancelledReason;
  private Path cwd;
  private String model;
  private String approvalPolicy;
  private String sandbox;
  private long lastEventCursor;
  private ObjectNode lastResult;
  private String lastAgentMessageText;
  private String finalAnswerText;
  private boolean turnHasOutputSchema;
  private boolean ttlWarned;
  private CodexBackend backend;
  private CompletableFuture<Void> cancelling;
  private long metaVersion;
  private long resultVersion;

  /** Guards {@link #metaSaved} and {@link #resultSaved}; taken after the session's monitor. */
  private final Object persistOrder = new Object();

  private long metaSaved;
  private long resultSaved;

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

  Path cwd() {
    return cwd;
  }

  String model() {
    return model;
  }

  String approvalPolicy() {
    return approvalPolicy;
  }

  String sandbox() {
    return sandbox;
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

  String lastAgentMessageText() {
    return lastAgentMessageText;
  }

  String finalAnswerText() {
    return finalAnswerText;
  }

  boolean turnHasOutputSchema() {
    return turnHasOutputSchema;
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
      mv = ++metaVersion;
    }
    ObjectNode result = null;
    long rv = 0;
    if (fx.result && lastResult != null) {
      result = lastResult;
      rv = ++resultVersion;
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

  /** Saves the documents of {@code e} unless a later snapshot was saved already. */
  void persist(Effects e, PersistenceHook store) {
    synchronized (persistOrder) {
      if (e.meta() != null && e.metaVersion() > metaSaved) {
        metaSaved = e.metaVersion();
        store.saveMeta(id, e.meta());
      }
      if (e.result() != null && e.resultVersion() > resultSaved) {
        resultSaved = e.resultVersion();
        store.saveResult(id, e.result());
      }
    }
  }

  // ---------------------------------------------------------------- create, fork, recover

  /** A new session's first turn is being started on {@code b}. */
  synchronized Effects begin(
      CodexBackend b, Path cwd, String model, String policy, String sandbox, String warning) {
    moveTo(SessionStatus.RUNNING);
    this.cwd = cwd;
    this.model = model;
    this.approvalPolicy = policy;
    this.sandbox = sandbox;
    this.backend = b;
    if (warning != null) {
      push(EventType.PROGRESS, TurnLifecycle.compatEvent(warning), false);
    }
    return Effects.NONE;
  }

  /** A fork of {@code src}'s thread is being made on {@code b}: idle from the start. */
  synchronized Effects beginFork(CodexBackend b, ForkSource src) {
    moveTo(SessionStatus.IDLE);
    this.cwd = src.cwd();
    this.model = src.model();
    this.approvalPolicy = src.approvalPolicy();
    this.sandbox = src.sandbox();
    this.backend = b;
    return effects(new Effects.Builder().meta());
  }

  /** What a fork copies from its source. */
  record ForkSource(
      String threadId, Path cwd, String model, String approvalPolicy, String sandbox) {}

  /** Checks that the session can be forked; returns what the fork copies. */
  synchronized ForkSource forkSource() {
    if (status == SessionStatus.CANCELLED) {
      throw SessionErrors.cancelled(id, "forked");
    }
    if (threadId == null) {
      throw CodexMcpException.internal("No threadId to fork");
    }
    requireBackend();
    if (backend.mode() == BackendMode.EXEC) {
      throw SessionErrors.execNotSupported();
    }
    return new ForkSource(threadId, cwd, model, approvalPolicy, sandbox);
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
      String model,
      String policy,
      String sandbox,
      Path cwd,
      String cancelledAt,
      String cancelledReason,
      ObjectNode result) {
    moveTo(st);
    this.threadId = tid;
    this.model = model;
    this.approvalPolicy = policy;
    this.sandbox = sandbox;
    this.cwd = cwd;
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

  CodexBackend requireBackend() {
    if (backend == null) {
      throw SessionErrors.noClient(id);
    }
    return backend;
  }

  /** Checks that a new turn may start; returns the backend to start it on. */
  synchronized CodexBackend checkTurnable() {
    if (status == SessionStatus.CANCELLED) {
      throw SessionErrors.cancelled(id, "resumed");
    }
    if (status != SessionStatus.IDLE && status != SessionStatus.ERROR) {
      throw SessionErrors.busy(id, status);
    }
    if (threadId == null) {
      throw CodexMcpException.internal("Session '" + id + "' has no threadId, cannot reply");
    }
    return requireBackend();
  }

  /** A new turn starts (after {@link #checkTurnable}, under the same lock): running. */
  Effects beginTurn(boolean hasOutputSchema) {
    events.removeResultsAndErrors();
    lastAgentMessageText = null;
    finalAnswerText = null;
    turnHasOutputSchema = hasOutputSchema;
    moveTo(SessionStatus.RUNNING);
    touch();
    return effects(new Effects.Builder().meta().wake());
  }

  /**
   * Codex accepted {@code turn/start}: the turn id (when the answer names one) and the overrides
   * that took effect (null: unchanged).
   */
  synchronized Effects turnAccepted(
      String turnId, String newModel, String newPolicy, Path newCwd, String newSandbox) {
    if (turnId != null) {
      activeTurnId = turnId;
    }
    if (newModel != null) {
      model = newModel;
    }
    if (newPolicy != null) {
      approvalPolicy = newPolicy;
    }
    if (newCwd != null) {
      cwd = newCwd;
    }
    if (newSandbox != null) {
      sandbox = newSandbox;
    }
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

  /** A backend and the thread (and turn) an operation is about. */
  record Target(CodexBackend backend, String threadId, String turnId) {}

  /** Checks that the running turn can be interrupted; returns its backend and ids. */
  synchronized Target interruptTarget() {
    if (!status.isActive()) {
      throw SessionErrors.notRunning(status);
    }
    if (threadId == null || activeTurnId == null) {
      throw CodexMcpException.internal("Missing threadId or activeTurnId for interrupt");
    }
    return new Target(requireBackend(), threadId, activeTurnId);
  }

  /** Checks that background terminals can be cleaned; returns the backend and thread id. */
  synchronized Target cleanTarget() {
    if (status == SessionStatus.CANCELLED) {
      throw SessionErrors.cancelled(id, "cleaned");
    }
    if (threadId == null) {
      throw CodexMcpException.internal(
          "Session '" + id + "' has no threadId, cannot clean background terminals");
    }
    return new Target(requireBackend(), threadId, null);
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
    progress.observe(NotificationMapper.AGENT_MESSAGE_DELTA, params);
    push(EventType.OUTPUT, NotificationMapper.agentMessageDelta(params), false);
    return effects(new Effects.Builder().wake());
  }

  /** Any other notification. */
  synchronized Effects notification(String method, JsonNode params, CodexNotification n) {
    touch();
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
        lastResult = TurnResults.fromCompletedTurn(this, t, now());
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

  /** What the periodic cleanup should do with this session. */
  enum Verdict {
    KEEP,
    CANCEL_IDLE,
    CANCEL_APPROVAL,
    CANCEL_RUNNING,
    EVICT
  }

  /** The cleanup verdict at {@code now}; pushes the TTL warning a minute before a cancellation. */
  synchronized Verdict sweep(long now) {
    long age = now - lastActiveMillis;
    SessionStatus st = status;
    if (st == SessionStatus.IDLE && age > SessionJanitor.IDLE_TTL_MS) {
      return Verdict.CANCEL_IDLE;
    } else if (st == SessionStatus.WAITING_APPROVAL && age > SessionJanitor.RUNNING_TTL_MS) {
      return Verdict.CANCEL_APPROVAL;
    } else if (st == SessionStatus.RUNNING && age > SessionJanitor.RUNNING_TTL_MS) {
      return Verdict.CANCEL_RUNNING;
    } else if ((st == SessionStatus.CANCELLED || st == SessionStatus.ERROR)
        && age > SessionJanitor.TERMINAL_TTL_MS) {
      return Verdict.EVICT;
    } else if (!ttlWarned && (st == SessionStatus.IDLE || st.isActive())) {
      long ttl =
          st == SessionStatus.IDLE ? SessionJanitor.IDLE_TTL_MS : SessionJanitor.RUNNING_TTL_MS;
      long remaining = ttl - age;
      if (remaining > 0 && remaining <= SessionJanitor.WARNING_LEAD_MS) {
        ttlWarned = true;
        push(
            EventType.PROGRESS,
            Json.object()
                .put("method", "codex-mcp/ttl_warning")
                .put("type", "ttl_warning")
                .put("ttlRemainingMs", remaining)
                .put("sessionId", id),
            false);
      }
    }
    return Verdict.KEEP;
  }
}
