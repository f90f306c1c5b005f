package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.NotificationMapper;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.events.Timestamps;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry and lifecycle of sessions: create, reply, fork, cancel, interrupt, clean, and the
 * handling of everything a backend reports. Methods may be called from any thread; each session's
 * state is guarded by its own monitor, never held across a backend call.
 */
public final class SessionManager implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
  public static final long DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;
  static final long POLL_INTERVAL_RUNNING = 120_000;
  static final String EFFORT_FALLBACK_WARNING =
      "effort=minimal is incompatible with the Codex web_search tool in this CLI build; automatically"
          + " retried with effort=low.";
  static final String ON_FAILURE_WARNING =
      "approvalPolicy=on-failure is not accepted by this Codex version; on-request is used instead.";

  final Map<String, Session> sessions = new ConcurrentHashMap<>();
  final BackendFactory backends;
  final Clock clock;
  final Timer timer;
  final Executor work;
  final PersistenceHook store;
  final boolean noiseFilter;
  final Supplier<String> uuids;
  final ServerRequests serverRequests;
  final SessionJanitor janitor;

  /** Registration order, the tie-break of {@link #orderedSessions()} (ids are random). */
  private final AtomicLong registrations = new AtomicLong();

  private volatile boolean closed;

  public SessionManager(
      BackendFactory backends,
      Clock clock,
      Timer timer,
      Executor work,
      PersistenceHook store,
      boolean noiseFilter) {
    this(backends, clock, timer, work, store, noiseFilter, () -> UUID.randomUUID().toString());
  }

  SessionManager(
      BackendFactory backends,
      Clock clock,
      Timer timer,
      Executor work,
      PersistenceHook store,
      boolean noiseFilter,
      Supplier<String> uuids) {
    this.backends = backends;
    this.clock = clock;
    this.timer = timer;
    this.work = work;
    this.store = store;
    this.noiseFilter = noiseFilter;
    this.uuids = uuids;
    this.serverRequests = new ServerRequests(this);
    this.janitor = new SessionJanitor(this);
  }

  public BackendMode mode() {
    return backends.mode();
  }

  String now() {
    return Timestamps.now(clock);
  }

  Session newSession(String id, long approvalTimeoutMs, String profile, ObjectNode config) {
    return newSession(id, approvalTimeoutMs, profile, config, now());
  }

  Session newSession(
      String id, long approvalTimeoutMs, String profile, ObjectNode config, String created) {
    EventRing ring =
        new EventRing(
            clock, EventRing.DEFAULT_SOFT_LIMIT, EventRing.DEFAULT_HARD_LIMIT, noiseFilter);
    Session s =
        new Session(
            id,
            registrations.incrementAndGet(),
            created,
            clock.millis(),
            approvalTimeoutMs,
            profile,
            config,
            ring,
            new ProgressTracker(clock, created));
    ring.retainUnconsumed(EventRing.DEFAULT_BACKLOG_LIMIT);
    ring.setListener(e -> store.appendEvent(id, e));
    return s;
  }

  Session require(String sessionId) {
    Session s = sessionId == null ? null : sessions.get(sessionId);
    if (s == null) {
      throw CodexMcpException.of(
          ErrorCode.SESSION_NOT_FOUND, "Session '" + sessionId + "' not found");
    }
    return s;
  }

  void touch(Session s) {
    s.lastActiveAt = now();
    s.lastActiveMillis = clock.millis();
  }

  /** Wakes a session's long-poll waiters outside its lock. */
  void wake(Session s) {
    List<CompletableFuture<Void>> w;
    synchronized (s) {
      if (s.waiters.isEmpty()) {
        return;
      }
      w = new ArrayList<>(s.waiters);
      s.waiters.clear();
    }
    w.forEach(f -> f.complete(null));
  }

  void persistMeta(Session s) {
    store.saveMeta(s.id, SessionViews.meta(s));
  }

  // ---------------------------------------------------------------- create

  /** Starts a session and its first turn; completes with the background response. */
  public CompletableFuture<ObjectNode> create(SessionRequests.Create req) {
    List<Path> images = ImagePaths.resolve(req.images(), req.cwd(), req.sandbox());
    String id = "sess_" + uuids.get().substring(0, 12);
    long approvalTimeout =
        req.approvalTimeoutMs() != null ? req.approvalTimeoutMs() : DEFAULT_APPROVAL_TIMEOUT_MS;
    Session s = newSession(id, approvalTimeout, req.profile(), req.config());
    LaunchOptions launch =
        new LaunchOptions(
            req.profile(),
            req.model(),
            req.approvalPolicy(),
            req.sandbox(),
            req.config(),
            req.cwd());
    CodexBackend backend = backends.create(id, launch);
    List<String> warnings = new ArrayList<>();
    synchronized (s) {
      s.status = SessionStatus.RUNNING;
      s.cwd = req.cwd();
      s.model = req.model();
      s.approvalPolicy = req.approvalPolicy();
      s.sandbox = req.sandbox();
      s.backend = backend;
      if ("on-failure".equals(req.approvalPolicy())) {
        warnings.add(ON_FAILURE_WARNING);
        s.push(EventType.PROGRESS, compatEvent(ON_FAILURE_WARNING), false);
      }
      sessions.put(id, s);
    }
    backend.setListener(new Listener(s, backend));
    ObjectNode threadParams = Json.object();
    threadParams.put("cwd", req.cwd().toString());
    putIf(threadParams, "model", req.model());
    putIf(threadParams, "approvalPolicy", wireApprovalPolicy(req.approvalPolicy()));
    putIf(threadParams, "sandbox", req.sandbox());
    putIf(threadParams, "personality", req.personality());
    if (req.ephemeral() != null) {
      threadParams.put("ephemeral", req.ephemeral());
    }
    putIf(threadParams, "baseInstructions", req.baseInstructions());
    putIf(threadParams, "developerInstructions", req.developerInstructions());
    if (req.config() != null) {
      threadParams.set("config", req.config());
    }
    CompletableFuture<JsonNode> spawned = backend.start();
    synchronized (s) {
      persistMeta(s); // once the child is spawned and has its initialize request: off the way there
    }
    recordPid(id, backend); // after the meta: a pid.json never reaches the disk before meta.json
    return spawned
        .thenCompose(init -> backend.threadStart(threadParams))
        .thenCompose(
            resp -> {
              String threadId = extractThreadId(resp);
              ObjectNode turn = Json.object();
              synchronized (s) {
                if (s.threadId == null) {
                  s.threadId = threadId;
                }
                s.turnHasOutputSchema = req.outputSchema() != null && req.outputSchema().size() > 0;
              }
              turn.put("threadId", threadId);
              ArrayNode input = turn.putArray("input");
              input.addObject().put("type", "text").put("text", req.prompt());
              for (Path img : images) {
                input.addObject().put("type", "localImage").put("path", img.toString());
              }
              turn.put("effort", req.effort());
              putIf(turn, "summary", req.summary());
              if (req.outputSchema() != null) {
                turn.set("outputSchema", req.outputSchema());
              }
              CompletableFuture<JsonNode> started = startTurn(backend, turn, warnings);
              synchronized (s) {
                persistMeta(s); // the thread id, recorded while Codex starts the turn
              }
              return started;
            })
        .thenApply(
            resp -> {
              synchronized (s) {
                seedTurnId(s, resp);
                return backgroundResponse(s, warnings);
              }
            })
        .exceptionallyCompose(err -> failCreate(s, backend, err));
  }

  /**
   * Records a just-started backend's child pid for orphan reaping, from the work pool (it reads the
   * process table): while Codex is still starting up, the phase of a turn where the server's own
   * work least delays it, instead of once Codex has answered {@code initialize} and works on the
   * thread and the turn.
   */
  private void recordPid(String id, CodexBackend backend) {
    Long pid = backend.childPid();
    if (pid != null) {
      work.execute(() -> store.savePid(id, pid));
    }
  }

  private CompletableFuture<ObjectNode> failCreate(Session s, CodexBackend backend, Throwable err) {
    String message = ErrorMessages.messageOf(err);
    synchronized (s) {
      s.status = SessionStatus.ERROR;
      s.push(EventType.ERROR, Json.object().put("message", Redactor.redactPaths(message)), false);
    }
    sessions.remove(s.id, s);
    store.delete(s.id);
    return backend
        .destroy()
        .handle((v, t) -> null)
        .thenCompose(v -> CompletableFuture.failedFuture(unwrap(err)));
  }

  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while (cur instanceof CompletionException && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  /** {@code turn/start} with the minimal-effort fallback of the contract. */
  CompletableFuture<JsonNode> startTurn(
      CodexBackend backend, ObjectNode params, List<String> warnings) {
    return backend
        .turnStart(params)
        .exceptionallyCompose(
            err -> {
              String msg = ErrorMessages.messageOf(err);
              if (!ErrorMessages.isMinimalEffortWebSearch(msg)) {
                return CompletableFuture.failedFuture(unwrap(err));
              }
              if (!"minimal".equals(Json.text(params, "effort"))) {
                return CompletableFuture.failedFuture(CodexMcpException.invalid(effortDetail()));
              }
              ObjectNode retry = params.deepCopy();
              retry.put("effort", "low");
              return backend
                  .turnStart(retry)
                  .thenApply(
                      r -> {
                        warnings.add(EFFORT_FALLBACK_WARNING);
                        return r;
                      })
                  .exceptionallyCompose(
                      e2 ->
                          CompletableFuture.failedFuture(
                              ErrorMessages.isMinimalEffortWebSearch(ErrorMessages.messageOf(e2))
                                  ? CodexMcpException.invalid(effortDetail())
                                  : unwrap(e2)));
            });
  }

  private static String effortDetail() {
    return ErrorMessages.EFFORT_WEB_SEARCH_MESSAGE.substring("Error [INVALID_ARGUMENT]: ".length());
  }

  static String wireApprovalPolicy(String policy) {
    return "on-failure".equals(policy) ? "on-request" : policy;
  }

  static ObjectNode compatEvent(String message) {
    return Json.object().put("method", "codex-mcp/compat_warning").put("message", message);
  }

  static void putIf(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  static String extractThreadId(JsonNode resp) {
    if (resp == null || !resp.isObject()) {
      throw CodexMcpException.internal("Invalid thread response: expected object");
    }
    String v1 = Json.nonEmptyText(resp, "threadId");
    if (v1 != null) {
      return v1;
    }
    String v2 = Json.nonEmptyText(resp.get("thread"), "id");
    if (v2 != null) {
      return v2;
    }
    throw CodexMcpException.internal("Invalid thread response: missing thread id");
  }

  static void seedTurnId(Session s, JsonNode resp) {
    String id = Json.nonEmptyText(resp, "turnId");
    if (id == null && resp != null) {
      id = Json.nonEmptyText(resp.get("turn"), "id");
    }
    if (id != null) {
      s.activeTurnId = id;
    }
  }

  /** Response of a started turn; caller holds the lock. */
  ObjectNode backgroundResponse(Session s, List<String> warnings) {
    ObjectNode o = Json.object();
    o.put("sessionId", s.id);
    o.put("threadId", s.threadId);
    o.put("status", "running");
    o.put("pollInterval", POLL_INTERVAL_RUNNING);
    if (!warnings.isEmpty()) {
      ArrayNode w = o.putArray("compatWarnings");
      warnings.forEach(w::add);
    }
    ObjectNode progress = s.progress.snapshot("running", s.activeTurnId, s.unresolvedCount());
    o.set("progress", ProgressTracker.coerce("running", progress, null, null));
    o.putObject("execution").put("requested", "background").put("effective", "background");
    o.put("interactionState", "working");
    o.put("recommendedNextAction", "poll");
    return o;
  }

  // ---------------------------------------------------------------- reply

  /** Starts a new turn on an idle or failed session. */
  public CompletableFuture<ObjectNode> reply(SessionRequests.Reply req) {
    Session s = require(req.sessionId());
    CodexBackend backend;
    ObjectNode turn = Json.object();
    Path cwdOverride;
    List<String> warnings = new ArrayList<>();
    synchronized (s) {
      if (s.status == SessionStatus.CANCELLED) {
        throw CodexMcpException.of(
            ErrorCode.CANCELLED, "Session '" + s.id + "' has been cancelled and cannot be resumed");
      }
      if (s.status != SessionStatus.IDLE && s.status != SessionStatus.ERROR) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_BUSY,
            "Session '" + s.id + "' is " + s.status.wireName() + ", expected idle or error");
      }
      if (s.threadId == null) {
        throw CodexMcpException.internal("Session '" + s.id + "' has no threadId, cannot reply");
      }
      if (s.backend == null) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_NOT_FOUND, "No client for session '" + s.id + "'");
      }
      backend = s.backend;
      cwdOverride = req.cwd() == null ? null : SessionPaths.resolveCwd(req.cwd(), s.cwd);
      s.events.removeResultsAndErrors();
      s.lastAgentMessageText = null;
      s.finalAnswerText = null;
      s.turnHasOutputSchema = req.outputSchema() != null && req.outputSchema().size() > 0;
      s.status = SessionStatus.RUNNING;
      touch(s);
      persistMeta(s);
      turn.put("threadId", s.threadId);
      turn.putArray("input").addObject().put("type", "text").put("text", req.prompt());
      putIf(turn, "model", req.model());
      putIf(turn, "approvalPolicy", wireApprovalPolicy(req.approvalPolicy()));
      if ("on-failure".equals(req.approvalPolicy())) {
        warnings.add(ON_FAILURE_WARNING);
      }
      putIf(turn, "effort", req.effort());
      putIf(turn, "summary", req.summary());
      putIf(turn, "personality", req.personality());
      if (cwdOverride != null) {
        turn.put("cwd", cwdOverride.toString());
      }
      if (req.outputSchema() != null) {
        turn.set("outputSchema", req.outputSchema());
      }
      if (req.sandbox() != null) {
        turn.set("sandboxPolicy", sandboxPolicy(req.sandbox()));
      }
    }
    wake(s);
    return startTurn(backend, turn, warnings)
        .thenApply(
            resp -> {
              synchronized (s) {
                seedTurnId(s, resp);
                if (req.model() != null) {
                  s.model = req.model();
                }
                if (req.approvalPolicy() != null) {
                  s.approvalPolicy = req.approvalPolicy();
                }
                if (backend.supportsTurnOverrides()) {
                  if (cwdOverride != null) {
                    s.cwd = cwdOverride;
                  }
                  if (req.sandbox() != null) {
                    s.sandbox = req.sandbox();
                  }
                }
                persistMeta(s);
                return backgroundResponse(s, warnings);
              }
            })
        .exceptionallyCompose(
            err -> {
              synchronized (s) {
                if (s.status != SessionStatus.CANCELLED) {
                  s.status = SessionStatus.ERROR;
                }
                s.push(
                    EventType.ERROR,
                    Json.object()
                        .put(
                            "message",
                            Redactor.redactPaths(
                                "Failed to start turn: " + ErrorMessages.messageOf(err))),
                    false);
                persistMeta(s);
              }
              wake(s);
              return CompletableFuture.failedFuture(unwrap(err));
            });
  }

  static ObjectNode sandboxPolicy(String sandbox) {
    switch (sandbox) {
      case "read-only":
        return Json.object().put("type", "readOnly");
      case "workspace-write":
        return Json.object().put("type", "workspaceWrite");
      default:
        return Json.object().put("type", "dangerFullAccess");
    }
  }

  // ---------------------------------------------------------------- fork

  /**
   * Clones the session's thread into a new idle session backed by its own child. The fork is made
   * by the new child, so the source session (its child and its threadId) is left untouched.
   */
  public CompletableFuture<ObjectNode> fork(String sessionId) {
    Session src = require(sessionId);
    String threadId;
    synchronized (src) {
      if (src.status == SessionStatus.CANCELLED) {
        throw CodexMcpException.of(
            ErrorCode.CANCELLED,
            "Session '" + src.id + "' has been cancelled and cannot be forked");
      }
      if (src.threadId == null) {
        throw CodexMcpException.internal("No threadId to fork");
      }
      if (src.backend == null) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_NOT_FOUND, "No client for session '" + src.id + "'");
      }
      if (src.backend.mode() == BackendMode.EXEC) {
        throw CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "threadFork is not supported in exec mode");
      }
      threadId = src.threadId;
    }
    String id = "sess_" + uuids.get().substring(0, 12);
    Session s = newSession(id, src.approvalTimeoutMs, src.profile, src.config);
    LaunchOptions launch;
    synchronized (src) {
      launch =
          new LaunchOptions(
              src.profile, src.model, src.approvalPolicy, src.sandbox, src.config, src.cwd);
      s.cwd = src.cwd;
      s.model = src.model;
      s.approvalPolicy = src.approvalPolicy;
      s.sandbox = src.sandbox;
    }
    CodexBackend backend = backends.create(id, launch);
    synchronized (s) {
      s.status = SessionStatus.IDLE;
      s.backend = backend;
      sessions.put(id, s);
      persistMeta(s);
    }
    backend.setListener(new Listener(s, backend));
    ObjectNode forkParams = Json.object().put("threadId", threadId);
    forkParams.put("excludeTurns", true);
    CompletableFuture<JsonNode> spawned = backend.start();
    recordPid(id, backend);
    return spawned
        .thenCompose(init -> backend.threadFork(forkParams))
        .thenApply(
            resp -> {
              String forked = extractThreadId(resp);
              synchronized (s) {
                s.threadId = forked;
                persistMeta(s);
              }
              ObjectNode o = Json.object();
              o.put("sessionId", id);
              o.put("threadId", forked);
              o.put("status", "idle");
              o.put("pollInterval", POLL_INTERVAL_RUNNING);
              return o;
            })
        .exceptionallyCompose(
            err -> {
              LOG.warn(
                  "[codex-mcp] fork of session {} failed: {}",
                  sessionId,
                  ErrorMessages.messageOf(err));
              synchronized (s) {
                s.status = SessionStatus.ERROR;
              }
              sessions.remove(id, s);
              store.delete(id);
              return backend
                  .destroy()
                  .handle((v, t) -> null)
                  .thenCompose(
                      v ->
                          CompletableFuture.failedFuture(
                              CodexMcpException.of(
                                  ErrorCode.THREAD_FORK_RESUME_FAILED,
                                  "Failed to resume forked thread '"
                                      + threadId
                                      + "' in new app-server process: "
                                      + Redactor.redactPaths(ErrorMessages.messageOf(err)))));
            });
  }

  // ---------------------------------------------------------------- cancel / interrupt / clean

  /** Cancels a session (idempotent; concurrent calls share one operation). */
  public CompletableFuture<Void> cancel(String sessionId, String reason) {
    Session s = require(sessionId);
    CodexBackend backend;
    CompletableFuture<Void> op;
    synchronized (s) {
      if (s.cancelling != null) {
        return s.cancelling;
      }
      if (s.status == SessionStatus.CANCELLED) {
        return CompletableFuture.completedFuture(null);
      }
      op = new CompletableFuture<>();
      s.cancelling = op;
      backend = s.backend;
      String why = reason == null ? "Cancelled by user" : reason;
      s.status = SessionStatus.CANCELLED;
      s.cancelledAt = now();
      touch(s);
      s.cancelledReason = why;
      serverRequests.settleAllForTeardown(s);
      s.push(
          EventType.PROGRESS,
          Json.object().put("message", "Session cancelled").put("cancelledReason", why),
          true);
      String turnId = s.activeTurnId == null ? "" : s.activeTurnId;
      s.lastResult = TurnResults.synthetic(turnId, "cancelled", why, now());
      s.activeTurnId = null;
      s.push(
          EventType.RESULT,
          Json.object().put("status", "cancelled").put("reason", why).put("turnId", turnId),
          true);
      persistMeta(s);
      store.saveResult(s.id, s.lastResult);
      s.backend = null;
    }
    wake(s);
    CompletableFuture<Void> destroyed =
        backend == null ? CompletableFuture.completedFuture(null) : backend.destroy();
    destroyed.whenComplete(
        (v, t) -> {
          synchronized (s) {
            s.cancelling = null;
          }
          op.complete(null);
        });
    return op;
  }

  /** Asks codex to stop the running turn; the turn then completes as interrupted. */
  public CompletableFuture<Void> interrupt(String sessionId) {
    Session s = require(sessionId);
    CodexBackend backend;
    ObjectNode params;
    synchronized (s) {
      if (!s.status.isActive()) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_NOT_RUNNING,
            "Cannot interrupt session in " + s.status.wireName() + " state");
      }
      if (s.threadId == null || s.activeTurnId == null) {
        throw CodexMcpException.internal("Missing threadId or activeTurnId for interrupt");
      }
      if (s.backend == null) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_NOT_FOUND, "No client for session '" + s.id + "'");
      }
      backend = s.backend;
      params = Json.object().put("threadId", s.threadId).put("turnId", s.activeTurnId);
    }
    return backend.turnInterrupt(params).thenApply(r -> null);
  }

  /** Asks codex to stop the thread's background terminals. */
  public CompletableFuture<Void> cleanBackgroundTerminals(String sessionId) {
    Session s = require(sessionId);
    CodexBackend backend;
    String threadId;
    synchronized (s) {
      if (s.status == SessionStatus.CANCELLED) {
        throw CodexMcpException.of(
            ErrorCode.CANCELLED, "Session '" + s.id + "' has been cancelled and cannot be cleaned");
      }
      if (s.threadId == null) {
        throw CodexMcpException.internal(
            "Session '" + s.id + "' has no threadId, cannot clean background terminals");
      }
      if (s.backend == null) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_NOT_FOUND, "No client for session '" + s.id + "'");
      }
      backend = s.backend;
      threadId = s.threadId;
    }
    return backend
        .threadBackgroundTerminalsClean(Json.object().put("threadId", threadId))
        .thenApply(
            r -> {
              synchronized (s) {
                touch(s);
                s.push(
                    EventType.PROGRESS,
                    Json.object()
                        .put("method", "thread/backgroundTerminals/clean")
                        .put("threadId", threadId)
                        .put("status", "requested"),
                    true);
              }
              return null;
            });
  }

  /** Batch removal of finished sessions. */
  public ObjectNode clean(SessionRequests.Clean req) {
    List<String> statuses =
        req.statuses() == null ? List.of("idle", "error", "cancelled") : req.statuses();
    long nowMs = clock.millis();
    List<String> matched = new ArrayList<>();
    for (Session s : orderedSessions()) {
      synchronized (s) {
        if (s.status.isActive() || !statuses.contains(s.status.wireName())) {
          continue;
        }
        if (req.olderThanMs() != null
            && req.olderThanMs() > 0
            && nowMs - s.lastActiveMillis < req.olderThanMs()) {
          continue;
        }
      }
      matched.add(s.id);
    }
    ObjectNode o = Json.object();
    ArrayNode m = o.putArray("matchedSessionIds");
    matched.forEach(m::add);
    ArrayNode removed = o.putArray("removedSessionIds");
    int disk = 0;
    if (!req.dryRun()) {
      for (String id : matched) {
        int[] diskRemoved = {0};
        if (evict(id, req.includeDisk(), diskRemoved)) {
          removed.add(id);
        }
        disk += diskRemoved[0];
      }
    }
    o.put("removedCount", removed.size());
    o.put("diskSessionsRemoved", disk);
    o.put("dryRun", req.dryRun());
    return o;
  }

  /** Removes a session from memory (and optionally disk). */
  boolean evict(String id, boolean removeDisk, int[] diskRemoved) {
    Session s = sessions.remove(id);
    if (s == null) {
      return false;
    }
    CodexBackend backend;
    synchronized (s) {
      serverRequests.settleAllForTeardown(s);
      backend = s.backend;
      s.backend = null;
    }
    wake(s);
    if (backend != null) {
      backend.destroy();
    }
    if (removeDisk && store.enabled() && store.delete(id)) {
      diskRemoved[0]++;
    }
    return true;
  }

  List<Session> orderedSessions() {
    List<Session> list = new ArrayList<>(sessions.values());
    list.sort(Comparator.comparing((Session x) -> x.createdAt).thenComparingLong(x -> x.seq));
    return list;
  }

  // ---------------------------------------------------------------- reads

  public List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>();
    for (Session s : orderedSessions()) {
      synchronized (s) {
        out.add(SessionViews.publicInfo(s));
      }
    }
    return out;
  }

  public ObjectNode get(String sessionId, boolean includeSensitive) {
    Session s = require(sessionId);
    synchronized (s) {
      return includeSensitive ? SessionViews.sensitiveInfo(s) : SessionViews.publicInfo(s);
    }
  }

  /** Sessions that are running, waiting for approval, or idle. */
  public int activeSessionCount() {
    int n = 0;
    for (Session s : sessions.values()) {
      synchronized (s) {
        if (s.status != SessionStatus.ERROR && s.status != SessionStatus.CANCELLED) {
          n++;
        }
      }
    }
    return n;
  }

  /** Sessions that are running or waiting for approval. */
  public int runningSessionCount() {
    int n = 0;
    for (Session s : sessions.values()) {
      synchronized (s) {
        if (s.status.isActive()) {
          n++;
        }
      }
    }
    return n;
  }

  public int totalSessionCount() {
    return sessions.size();
  }

  /** Model of the most recently active non-cancelled session that has one, else null. */
  public String observedDefaultModel() {
    String best = null;
    long bestAt = Long.MIN_VALUE;
    for (Session s : orderedSessions()) {
      synchronized (s) {
        if (s.status != SessionStatus.CANCELLED
            && s.model != null
            && !s.model.isEmpty()
            && s.lastActiveMillis >= bestAt) {
          best = s.model;
          bestAt = s.lastActiveMillis;
        }
      }
    }
    return best;
  }

  /** Current status wire name, or null when the session does not exist. */
  public String status(String sessionId) {
    Session s = sessions.get(sessionId);
    if (s == null) {
      return null;
    }
    synchronized (s) {
      return s.status.wireName();
    }
  }

  /**
   * Adds a session found on disk at startup. It has no backend: it can be listed, inspected and
   * polled, and answers {@code No client} to operations that need codex.
   */
  public void ingestRecovered(RecoveredSession r) {
    PersistedMeta m = r.meta();
    Session s =
        newSession(
            r.sessionId(),
            DEFAULT_APPROVAL_TIMEOUT_MS,
            m.profile(),
            null,
            m.createdAt() != null ? m.createdAt() : now());
    synchronized (s) {
      s.status = parseStatus(m.status());
      s.threadId = m.threadId();
      s.model = m.model();
      s.approvalPolicy = m.approvalPolicy();
      s.sandbox = m.sandbox();
      s.cwd = m.cwd() == null ? null : Path.of(m.cwd());
      s.cancelledAt = m.cancelledAt();
      s.cancelledReason = m.cancelledReason();
      s.damaged = r.damage();
      // Recovered sessions count as active from the restart, so they stay queryable for their TTL.
      touch(s);
      s.lastResult = r.result();
      if (s.lastResult != null) {
        String text = Json.text(s.lastResult, "text");
        s.lastAgentMessageText = text != null ? text : Json.text(s.lastResult, "output");
      }
      List<SessionEvent> events = new ArrayList<>();
      for (ObjectNode e : r.events()) {
        EventType type = EventType.fromWireName(Json.text(e, "type"));
        if (type != null) {
          events.add(
              new SessionEvent(
                  e.path("seq").asLong(), type, e.get("data"), Json.text(e, "timestamp"), false));
        }
      }
      s.events.setListener(null);
      s.events.restore(events, r.lastSeq() + 1);
      s.events.setListener(e -> store.appendEvent(s.id, e));
      if (s.lastResult != null) {
        s.progress.mergeTokens(s.lastResult.path("turn").path("usage"));
      }
    }
    sessions.put(s.id, s);
  }

  static SessionStatus parseStatus(String status) {
    try {
      return SessionStatus.fromWire(status);
    } catch (RuntimeException e) {
      return SessionStatus.ERROR;
    }
  }

  // ---------------------------------------------------------------- backend events

  /** Routes one backend's reports to its session; silences itself once replaced or destroyed. */
  final class Listener implements BackendListener {
    private final Session s;
    private final CodexBackend backend;

    Listener(Session s, CodexBackend backend) {
      this.s = s;
      this.backend = backend;
    }

    @Override
    public void onNotification(String method, JsonNode params) {
      handleNotification(s, method, params);
    }

    @Override
    public void onServerRequest(JsonNode id, String method, JsonNode params) {
      serverRequests.handle(s, backend, id, method, params);
    }

    @Override
    public void onChildStarted(long pid) {
      work.execute(() -> store.savePid(s.id, pid));
    }

    @Override
    public void onExit(Integer code, String signal) {
      handleBackendDeath(s, backend, "app-server exited unexpectedly (code: " + code + ")");
    }

    @Override
    public void onError(Throwable error) {
      handleBackendDeath(
          s, backend, Redactor.redactPaths("app-server error: " + ErrorMessages.messageOf(error)));
    }
  }

  void handleNotification(Session s, String method, JsonNode params) {
    if (NotificationMapper.AGENT_MESSAGE_DELTA.equals(method)) {
      handleAgentMessageDelta(s, params);
    } else {
      handleOtherNotification(s, method, params);
    }
  }

  /**
   * A streamed reply fragment, thousands of them in a long answer: the same outcome as the general
   * path (which does nothing else for this method) in a method small enough for the JIT to compile
   * in a fraction of the time the general one takes.
   */
  private void handleAgentMessageDelta(Session s, JsonNode params) {
    synchronized (s) {
      touch(s);
      s.progress.observe(NotificationMapper.AGENT_MESSAGE_DELTA, params);
      s.push(EventType.OUTPUT, NotificationMapper.agentMessageDelta(params), false);
    }
    wake(s);
  }

  private void handleOtherNotification(Session s, String method, JsonNode params) {
    synchronized (s) {
      touch(s);
      s.progress.observe(method, params);
      boolean cancelled = s.status == SessionStatus.CANCELLED;
      switch (method) {
        case "thread/started":
          {
            String tid = Json.text(params, "threadId");
            if (tid == null && params != null) {
              tid = Json.text(params.get("thread"), "id");
            }
            if (tid != null && !tid.equals(s.threadId)) {
              s.threadId = tid;
              persistMeta(s);
            }
            break;
          }
        case "turn/started":
          if (!cancelled) {
            s.activeTurnId = params == null ? null : Json.text(params.get("turn"), "id");
          }
          break;
        case "item/completed":
          {
            JsonNode item = params == null ? null : params.get("item");
            if (item != null && "agentMessage".equals(Json.text(item, "type"))) {
              String text = Json.text(item, "text");
              if (text != null) {
                s.lastAgentMessageText = text;
                if ("final_answer".equals(Json.text(item, "phase"))) {
                  s.finalAnswerText = text;
                }
              }
            }
            break;
          }
        case "serverRequest/resolved":
          serverRequests.resolvedByCodex(s, params);
          break;
        default:
          break;
      }
      NotificationMapper.map(method, params, cancelled, s.activeTurnId)
          .ifPresent(e -> s.push(e.type(), e.data(), e.pinned()));
      if (!cancelled) {
        if (method.equals("turn/completed")) {
          JsonNode turn = params == null ? null : params.get("turn");
          if (turn != null && turn.has("usage")) {
            s.progress.mergeTokens(turn.get("usage"));
          }
          s.lastResult = TurnResults.fromCompletedTurn(s, params, now());
          s.status = SessionStatus.IDLE;
          s.activeTurnId = null;
          persistMeta(s);
          store.saveResult(s.id, s.lastResult);
        } else if (method.equals("error")
            && !NotificationMapper.truthy(params == null ? null : params.get("willRetry"))) {
          s.status = SessionStatus.ERROR;
          persistMeta(s);
        }
      }
    }
    wake(s);
  }

  void handleBackendDeath(Session s, CodexBackend backend, String message) {
    synchronized (s) {
      if (s.backend != backend) {
        return;
      }
      serverRequests.settleAllForTeardown(s);
      if (s.status.isActive()) {
        s.status = SessionStatus.ERROR;
        String completedAt = now();
        String turnId = s.activeTurnId == null ? "" : s.activeTurnId;
        s.lastResult = TurnResults.synthetic(turnId, "error", message, completedAt);
        s.activeTurnId = null;
        s.push(
            EventType.RESULT,
            Json.object()
                .put("status", "error")
                .put("turnId", turnId)
                .put("error", message)
                .put("completedAt", completedAt),
            true);
        s.push(EventType.ERROR, Json.object().put("message", message), true);
        persistMeta(s);
        store.saveResult(s.id, s.lastResult);
      }
    }
    wake(s);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the periodic cleanup pass. */
  public void startJanitor() {
    janitor.start();
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops everything: wakes every waiter, answers pending requests, destroys every child. Statuses
   * are left as they are (a restarted server reports active ones as errors).
   */
  @Override
  public void close() {
    closeAsync();
  }

  /** As {@link #close()}, completing when every child has been stopped. */
  public CompletableFuture<Void> closeAsync() {
    closed = true;
    janitor.stop();
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Session s : sessions.values()) {
      CodexBackend b;
      synchronized (s) {
        serverRequests.settleAllForTeardown(s);
        b = s.backend;
        s.backend = null;
      }
      wake(s);
      if (b != null) {
        stops.add(b.destroy().handle((v, t) -> null));
      }
    }
    return CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0]));
  }
}
