package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.protocol.Responses;
import io.github.codexmcp.codex.protocol.ThreadRequests;
import io.github.codexmcp.codex.protocol.ThreadStartRequest;
import io.github.codexmcp.codex.protocol.TurnStartRequest;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.workspace.WorkTreeSnapshot;
import io.github.codexmcp.workspace.WorktreeInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting and stopping turns: create, reply, fork, cancel, interrupt, and cleaning background
 * terminals. Each operation runs a session transition, carries out its effects, then calls Codex
 * with no lock held. Called from tool-call threads; creating a worktree runs git on that thread.
 * Answers from Codex complete on its reader thread (a timeout on the timer thread), and the steps
 * chained on them run there (the next request to Codex, the transition of its answer), except the
 * clean-up of a failed create or fork, which deletes the session's files and so goes to the work
 * pool. The futures returned here complete on the work pool, so the MCP response is never rendered
 * on a Codex reader thread. No state of its own.
 */
final class TurnLifecycle {
  static final Logger LOG = LoggerFactory.getLogger(TurnLifecycle.class);
  static final String EFFORT_FALLBACK_WARNING =
      "effort=minimal is incompatible with the Codex web_search tool in this CLI build; automatically"
          + " retried with effort=low.";
  static final String ON_FAILURE_WARNING =
      "approvalPolicy=on-failure is not accepted by this Codex version; on-request is used instead.";

  private final SessionRegistry registry;
  private final SessionEffects effects;
  private final BackendEvents events;
  private final BackendFactory backends;
  private final Executor work;
  private final Continuation continuation;
  private final Supplier<String> uuids;
  private final ElicitationChannel elicitation;
  private final SessionWorkspace workspace;
  private final Leftovers leftovers;

  TurnLifecycle(
      SessionRegistry registry,
      SessionEffects effects,
      BackendEvents events,
      BackendFactory backends,
      Executor work,
      Supplier<String> uuids,
      ElicitationChannel elicitation,
      SessionWorkspace workspace,
      Leftovers leftovers) {
    this.leftovers = leftovers;
    this.registry = registry;
    this.effects = effects;
    this.events = events;
    this.backends = backends;
    this.work = work;
    this.uuids = uuids;
    this.elicitation = elicitation;
    this.continuation = new Continuation(backends, effects, events, work);
    this.workspace = workspace;
  }

  private <T> CompletableFuture<T> onWork(CompletableFuture<T> f) {
    return f.whenCompleteAsync((v, t) -> {}, work);
  }

  // ---------------------------------------------------------------- create

  CompletableFuture<TurnStarted> create(SessionRequests.Create req, long approvalTimeoutMs) {
    List<Path> images = ImagePaths.resolve(req.images(), req.cwd(), req.sandbox());
    String id = "sess_" + uuids.get().substring(0, 12);
    // a worktree is made before anything else (git blocks this work thread; refusals end here)
    WorktreeInfo worktree =
        req.worktree() == null ? null : workspace.createWorktree(id, req.cwd(), req.worktree());
    Path cwd = worktree == null ? req.cwd() : worktree.cwd();
    CompletableFuture<WorkTreeSnapshot> before =
        req.review() == null ? workspace.snapshot(cwd) : CompletableFuture.completedFuture(null);
    Session s =
        registry.newSession(
            id,
            approvalTimeoutMs,
            req.profile(),
            req.config(),
            registry.now(),
            SessionStatus.RUNNING);
    synchronized (s) {
      s.extras.worktree(worktree);
      // every session keeps its first prompt as its description (a review of a target other than
      // custom sends the prompt nowhere else)
      s.extras.description(SessionExtras.describe(req.prompt()));
    }
    LaunchOptions launch =
        new LaunchOptions(
            req.profile(),
            req.model(),
            req.approvalPolicy(),
            req.sandbox(),
            req.config(),
            cwd,
            approvalTimeoutMs);
    CodexBackend backend = backends.create(id, launch);
    List<String> warnings = new ArrayList<>();
    String warning = "on-failure".equals(req.approvalPolicy()) ? ON_FAILURE_WARNING : null;
    if (warning != null) {
      warnings.add(warning);
    }
    String channelWarning = elicitation.choose(id, req.approvalChannel());
    if (channelWarning != null) {
      warnings.add(channelWarning);
    }
    s.begin(backend, cwd, req.model(), req.approvalPolicy(), req.sandbox(), warning);
    registry.register(s);
    backend.setListener(events.listenerFor(s, backend));
    ThreadStartRequest thread =
        new ThreadStartRequest(
            cwd,
            req.model(),
            req.approvalPolicy(),
            req.sandbox(),
            req.personality(),
            req.ephemeral(),
            req.baseInstructions(),
            req.developerInstructions(),
            req.config());
    CompletableFuture<JsonNode> spawned = backend.start();
    // once the child is spawned and has its initialize request: off the way there
    effects.apply(s, s.spawned());
    // after the meta: a pid.json never reaches the disk before meta.json; once started, since a
    // detached app-server is launched on a start thread after start() returned
    spawned.thenRun(() -> recordPid(id, backend));
    CompletableFuture<TurnStarted> done =
        spawned
            .thenCompose(init -> backend.threadStart(thread.toParams()))
            .thenCompose(
                resp -> {
                  String threadId = Responses.threadId(resp);
                  TurnStartRequest turn =
                      new TurnStartRequest(
                          threadId,
                          req.prompt(),
                          images,
                          null,
                          null,
                          req.effort(),
                          req.summary(),
                          null,
                          null,
                          req.outputSchema(),
                          null);
                  Effects ready = s.threadReady(threadId, turn.hasOutputSchema(), false);
                  CompletableFuture<JsonNode> started =
                      before.thenCompose(
                          snap -> {
                            synchronized (s) {
                              s.extras.turnStarting(snap);
                            }
                            // a review runs as its own turn, whose id review/start answers
                            return req.review() != null
                                ? backend.reviewStart(threadId, req.review())
                                : startTurn(backend, turn, warnings);
                          });
                  effects.apply(s, ready); // the thread id, recorded while Codex starts the turn
                  return started;
                })
            .thenApply(
                resp -> {
                  effects.apply(s, s.turnAccepted(Responses.turnId(resp), null, null, null, null));
                  return started(s, warnings);
                })
            // its files are deleted: on the work pool, not on Codex's reader or the timer thread
            .exceptionallyComposeAsync(err -> failCreate(s, backend, err), work);
    return onWork(done);
  }

  /** Records a started backend's child pid for orphan reaping, from the work pool. */
  private void recordPid(String id, CodexBackend backend) {
    Long pid = backend.childPid();
    if (pid != null) {
      work.execute(() -> effects.store().savePid(id, pid));
    }
  }

  private CompletableFuture<TurnStarted> failCreate(
      Session s, CodexBackend backend, Throwable err) {
    String message = ErrorMessages.messageOf(err);
    effects.apply(s, s.failed(Redactor.redactPaths(message), true));
    registry.unregister(s);
    effects.store().delete(s.id);
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
      CodexBackend backend, TurnStartRequest turn, List<String> warnings) {
    return backend
        .turnStart(turn.toParams())
        .exceptionallyCompose(
            err -> {
              String msg = ErrorMessages.messageOf(err);
              if (!ErrorMessages.isMinimalEffortWebSearch(msg)) {
                return CompletableFuture.failedFuture(unwrap(err));
              }
              if (!"minimal".equals(turn.effort())) {
                return CompletableFuture.failedFuture(CodexMcpException.invalid(effortDetail()));
              }
              return backend
                  .turnStart(turn.withEffort("low").toParams())
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

  static ObjectNode compatEvent(String message) {
    return Json.object().put("method", "codex-mcp/compat_warning").put("message", message);
  }

  /** What a started turn answers. */
  static TurnStarted started(Session s, List<String> warnings) {
    synchronized (s) {
      ObjectNode progress =
          s.progress.snapshot("running", s.activeTurnId(), s.pending.unresolvedCount());
      return new TurnStarted(
          s.id, s.threadId(), ProgressTracker.coerce("running", progress, null, null), warnings);
    }
  }

  // ---------------------------------------------------------------- reply

  CompletableFuture<TurnStarted> reply(SessionRequests.Reply req) {
    Session s = registry.require(req.sessionId());
    return afterContinuation(s, () -> replyOn(s, req));
  }

  /**
   * Runs {@code op} once {@code s} has a Codex client: at once (its checks throwing on this thread)
   * when it has one, else after {@link Continuation} resumed its thread in a new one.
   */
  private <T> CompletableFuture<T> afterContinuation(Session s, Supplier<CompletableFuture<T>> op) {
    CompletableFuture<Void> ready = continuation.ensureBackend(s);
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      return op.get();
    }
    // the turn starts on the work pool, not on the thread that completed the continuation (the new
    // client's reader, answering thread/resume)
    return onWork(ready.thenComposeAsync(v -> op.get(), work));
  }

  private CompletableFuture<TurnStarted> replyOn(Session s, SessionRequests.Reply req) {
    CodexBackend backend;
    TurnStartRequest turn;
    Path cwdOverride;
    Path turnCwd;
    List<String> warnings = new ArrayList<>();
    Effects begun;
    synchronized (s) {
      backend = SessionChecks.turnable(s);
      cwdOverride =
          req.cwd() == null ? null : SessionPaths.resolveCwd(req.cwd(), s.settings().cwd());
      boolean hasSchema = req.outputSchema() != null && req.outputSchema().size() > 0;
      begun = s.beginTurn(hasSchema);
      turnCwd = cwdOverride != null ? cwdOverride : s.settings().cwd();
      turn =
          new TurnStartRequest(
              s.threadId(),
              req.prompt(),
              List.of(),
              req.model(),
              req.approvalPolicy(),
              req.effort(),
              req.summary(),
              req.personality(),
              cwdOverride,
              req.outputSchema(),
              req.sandbox());
    }
    if ("on-failure".equals(req.approvalPolicy())) {
      warnings.add(ON_FAILURE_WARNING);
    }
    String channelWarning = elicitation.choose(s.id, req.approvalChannel());
    if (channelWarning != null) {
      warnings.add(channelWarning);
    }
    effects.apply(s, begun);
    Path newCwd = cwdOverride;
    CompletableFuture<TurnStarted> done =
        workspace
            .snapshot(turnCwd)
            .thenCompose(
                snap -> {
                  synchronized (s) {
                    s.extras.turnStarting(snap);
                  }
                  return startTurn(backend, turn, warnings);
                })
            .thenApply(
                resp -> {
                  boolean overrides = backend.supportsTurnOverrides();
                  effects.apply(
                      s,
                      s.turnAccepted(
                          Responses.turnId(resp),
                          req.model(),
                          req.approvalPolicy(),
                          overrides ? newCwd : null,
                          overrides ? req.sandbox() : null));
                  return started(s, warnings);
                })
            .exceptionallyCompose(
                err -> {
                  effects.apply(
                      s,
                      s.turnStartFailed(
                          Redactor.redactPaths(
                              "Failed to start turn: " + ErrorMessages.messageOf(err))));
                  return CompletableFuture.failedFuture(unwrap(err));
                });
    return onWork(done);
  }

  // ---------------------------------------------------------------- fork

  /**
   * Clones the session's thread into a new idle session backed by its own child. The fork is made
   * by the new child, so the source session (its child and its threadId) is left untouched.
   */
  CompletableFuture<ForkResult> fork(String sessionId) {
    Session src = registry.require(sessionId);
    return afterContinuation(src, () -> forkOf(src, sessionId));
  }

  private CompletableFuture<ForkResult> forkOf(Session src, String sessionId) {
    SessionChecks.ForkSource from = SessionChecks.forkable(src);
    String id = "sess_" + uuids.get().substring(0, 12);
    Session s =
        registry.newSession(
            id, src.approvalTimeoutMs, src.profile, src.config, registry.now(), SessionStatus.IDLE);
    LaunchOptions launch =
        new LaunchOptions(
            src.profile,
            from.settings().model(),
            from.settings().approvalPolicy(),
            from.settings().sandbox(),
            src.config,
            from.settings().cwd(),
            src.approvalTimeoutMs);
    CodexBackend backend = backends.create(id, launch);
    synchronized (s) {
      s.extras.description(from.description());
    }
    Effects begun = s.beginFork(backend, from);
    registry.register(s);
    effects.apply(s, begun);
    backend.setListener(events.listenerFor(s, backend));
    ThreadRequests.Fork fork = new ThreadRequests.Fork(from.threadId());
    CompletableFuture<JsonNode> spawned = backend.start();
    spawned.thenRun(() -> recordPid(id, backend));
    CompletableFuture<ForkResult> done =
        spawned
            .thenCompose(init -> backend.threadFork(fork.toParams()))
            .thenApply(
                resp -> {
                  String forked = Responses.threadId(resp);
                  effects.apply(s, s.threadReady(forked, false, true));
                  return new ForkResult(id, forked);
                })
            .exceptionallyComposeAsync( // deletes files: on the work pool, as for a create
                err -> {
                  LOG.warn(
                      "[codex-mcp] fork of session {} failed: {}",
                      sessionId,
                      ErrorMessages.messageOf(err));
                  s.failed(null, false);
                  registry.unregister(s);
                  effects.store().delete(id);
                  return backend
                      .destroy()
                      .handle((v, t) -> null)
                      .thenCompose(
                          v ->
                              CompletableFuture.failedFuture(
                                  CodexMcpException.of(
                                      ErrorCode.THREAD_FORK_RESUME_FAILED,
                                      "Failed to resume forked thread '"
                                          + from.threadId()
                                          + "' in new app-server process: "
                                          + Redactor.redactPaths(ErrorMessages.messageOf(err)))));
                },
                work);
    return onWork(done);
  }

  // ---------------------------------------------------------------- cancel / interrupt / clean

  /** Cancels a session (idempotent; concurrent calls share one operation). */
  CompletableFuture<Void> cancel(String sessionId, String reason) {
    Session s = registry.require(sessionId);
    Session.Cancel c = s.cancel(reason);
    if (!c.first()) {
      return c.op();
    }
    effects.apply(s, c.effects());
    CompletableFuture<Void> destroyed =
        c.backend() == null ? leftovers.stop(s.id) : c.backend().destroy();
    destroyed.whenComplete(
        (v, t) -> {
          s.cancelFinished();
          c.op().complete(null);
        });
    return c.op();
  }

  /** Asks Codex to stop the running turn; the turn then completes as interrupted. */
  CompletableFuture<Void> interrupt(String sessionId) {
    SessionChecks.Target t = SessionChecks.interruptible(registry.require(sessionId));
    return onWork(
        t.backend()
            .turnInterrupt(new ThreadRequests.Interrupt(t.threadId(), t.turnId()).toParams())
            .thenApply(r -> null));
  }

  /** Asks Codex to stop the thread's background terminals. */
  CompletableFuture<Void> cleanBackgroundTerminals(String sessionId) {
    Session s = registry.require(sessionId);
    SessionChecks.Target t = SessionChecks.cleanable(s);
    return onWork(
        t.backend()
            .threadBackgroundTerminalsClean(
                new ThreadRequests.CleanTerminals(t.threadId()).toParams())
            .thenApply(
                r -> {
                  s.terminalsCleaned(t.threadId());
                  return null;
                }));
  }
}
