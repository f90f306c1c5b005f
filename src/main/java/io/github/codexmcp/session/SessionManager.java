package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this server: the entry point of the session layer. It wires the parts, each with
 * one job and no shared mutable state: {@link SessionRegistry} (which sessions exist), {@link
 * TurnLifecycle} (create, reply, fork, cancel, interrupt), {@link BackendEvents} (what Codex
 * reports), {@link ServerRequests} (what Codex asks), {@link SessionEffects} (what follows a
 * transition), {@link SessionJanitor} (periodic cleanup). Session state changes only through the
 * transitions of {@link Session}.
 *
 * <p><b>Concurrency.</b> Methods may be called from any thread that holds no session lock and is
 * not a Codex reader thread. Reads (list, get, status, counts) only take session locks. Operations
 * that need Codex return futures that complete on the work pool, but may block briefly on the
 * calling thread first: taking a session over ({@link PersistenceHook#claim}, a file lock) and
 * catching up with another server's files read the disk, an id unknown in memory is looked up on
 * disk, {@link #answer} writes to Codex before it returns, and {@link #clean} deletes files and
 * runs git. {@code closed} is volatile: set once by {@link #closeAsync}, read by waits that must
 * end at shutdown.
 */
public final class SessionManager implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
  public static final long DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;
  static final String EFFORT_FALLBACK_WARNING = TurnLifecycle.EFFORT_FALLBACK_WARNING;
  static final String ON_FAILURE_WARNING = TurnLifecycle.ON_FAILURE_WARNING;

  final Clock clock;
  final Timer timer;
  final SessionRegistry registry;
  final SessionEffects effects;
  final BackendEvents events;
  final ServerRequests serverRequests;
  final TurnLifecycle turns;
  final ElicitationChannel elicitation;
  final SessionJanitor janitor;
  private final BackendFactory backends;
  private final SessionWorkspace workspace;
  private final Steering steering;
  private final Executor work;
  private final ForeignSessions foreign;
  private final Leases leases;
  private final Departure departure;
  private final Reattach reattach;
  private final SessionCleaning cleaning;

  private volatile boolean closed;

  /**
   * @param log the client's log (Codex's warnings go there)
   * @param forms the client's forms (the {@code elicit} approval channel)
   * @param workspace git for change receipts and worktrees ({@link SessionWorkspace#DISABLED}:
   *     receipts from Codex's reports alone, no worktrees)
   */
  public SessionManager(
      BackendFactory backends,
      Clock clock,
      Timer timer,
      Executor work,
      PersistenceHook store,
      boolean noiseFilter,
      ClientLog log,
      ClientForms forms,
      SessionWorkspace workspace) {
    this(
        backends,
        clock,
        timer,
        work,
        store,
        noiseFilter,
        () -> UUID.randomUUID().toString(),
        log,
        forms,
        workspace);
  }

  /** As above, with session and request ids from {@code uuids} (tests: predictable ids). */
  SessionManager(
      BackendFactory backends,
      Clock clock,
      Timer timer,
      Executor work,
      PersistenceHook store,
      boolean noiseFilter,
      Supplier<String> uuids,
      ClientLog log,
      ClientForms forms,
      SessionWorkspace workspace) {
    Leftovers leftovers = new Leftovers(backends, store);
    this.backends = backends;
    this.clock = clock;
    this.timer = timer;
    this.elicitation = new ElicitationChannel(forms, work);
    this.effects = new SessionEffects(store, elicitation);
    this.registry = new SessionRegistry(clock, noiseFilter, effects, leftovers);
    this.departure = new Departure(effects, leftovers);
    this.serverRequests = new ServerRequests(registry, effects, timer, work, uuids, elicitation);
    this.workspace = workspace;
    this.work = work;
    this.events =
        new BackendEvents(effects, serverRequests, work, new CodexWarnings(log), workspace);
    this.turns =
        new TurnLifecycle(
            registry, effects, events, backends, work, uuids, elicitation, workspace, leftovers);
    this.steering = new Steering(work);
    this.foreign = new ForeignSessions(registry, effects, timer, work, DEFAULT_APPROVAL_TIMEOUT_MS);
    this.leases = new Leases(store, foreign, work);
    foreign.onPass(leases::rest);
    // the cleanup cancels like a client (taking the session over first), on the work pool: the
    // take may read another server's files
    this.janitor =
        new SessionJanitor(
            registry,
            clock,
            timer,
            (id, why) ->
                CompletableFuture.supplyAsync(() -> cancel(id, why), work).thenCompose(f -> f),
            id -> CompletableFuture.runAsync(() -> evictTaken(id, true, new int[1]), work),
            (s, remaining) -> leases.warnTtl(s, remaining));
    effects.onMetaSaved(leases::restLater);
    this.reattach = new Reattach(registry, backends, effects, events, work, clock);
    this.cleaning = new SessionCleaning(registry, clock, workspace, this::evictTaken);
  }

  public BackendMode mode() {
    return backends.mode();
  }

  // ---------------------------------------------------------------- turns

  /** Starts a session and its first turn; completes with the background response. */
  public CompletableFuture<TurnStarted> create(SessionRequests.Create req) {
    long timeout =
        req.approvalTimeoutMs() != null ? req.approvalTimeoutMs() : DEFAULT_APPROVAL_TIMEOUT_MS;
    return turns.create(req, timeout);
  }

  /**
   * Starts a new turn on an idle or failed session; with {@code steer} a running session's turn
   * takes the prompt instead.
   */
  public CompletableFuture<TurnStarted> reply(SessionRequests.Reply req) {
    if (req.steer()) {
      Session s = registry.require(req.sessionId());
      if (Steering.plan(s) instanceof Steering.Plan.Steer p) {
        return steering.steer(s, p, req.prompt());
      }
    }
    return leases.drive(registry.require(req.sessionId()), () -> turns.reply(req));
  }

  /**
   * Waits until any (or all) of the sessions need the caller, the wait ends ({@code waitMs}, at
   * most 120 s) or {@code cancelled} completes; holds no thread. An unknown id fails at once with
   * {@code SESSION_NOT_FOUND} naming it.
   *
   * @param progress told of every session's view now and then (null: none)
   */
  public CompletableFuture<WaitResult> waitFor(
      List<String> sessionIds,
      boolean all,
      long waitMs,
      CompletableFuture<Void> cancelled,
      java.util.function.Consumer<String> progress) {
    List<MultiWait.Target> targets = new ArrayList<>();
    for (String id : sessionIds) {
      targets.add(new SessionTarget(registry, registry.require(id)));
    }
    return MultiWait.start(
            targets,
            all,
            waitMs,
            clock,
            timer,
            work,
            cancelled,
            progress == null ? null : views -> progress.accept(SessionTarget.summary(views)))
        .thenApply(SessionTarget::result);
  }

  /** Clones the session's thread into a new idle session backed by its own child. */
  public CompletableFuture<ForkResult> fork(String sessionId) {
    return leases.drive(registry.require(sessionId), () -> turns.fork(sessionId));
  }

  /** Cancels a session (idempotent; concurrent calls share one operation). */
  public CompletableFuture<Void> cancel(String sessionId, String reason) {
    return leases.drive(registry.require(sessionId), () -> turns.cancel(sessionId, reason));
  }

  /** Asks Codex to stop the running turn; the turn then completes as interrupted. */
  public CompletableFuture<Void> interrupt(String sessionId) {
    return turns.interrupt(sessionId);
  }

  /** Asks Codex to stop the thread's background terminals. */
  public CompletableFuture<Void> cleanBackgroundTerminals(String sessionId) {
    return leases.drive(
        registry.require(sessionId), () -> turns.cleanBackgroundTerminals(sessionId));
  }

  // ---------------------------------------------------------------- answers

  /** Sends the client's answers to parked questions; throws on any failure. */
  void respondUserInput(String sessionId, String requestId, ObjectNode answers) {
    serverRequests.respondUserInput(sessionId, requestId, answers);
  }

  /** Applies a notification as if the session's backend had sent it (on the caller's thread). */
  void handleNotification(Session s, String method, JsonNode params) {
    events.notification(s, method, params);
  }

  // ---------------------------------------------------------------- registry

  Session require(String sessionId) {
    return registry.require(sessionId);
  }

  /**
   * Evicts {@code id} having taken it over first, so that a session another server drives (whatever
   * it looks like here) is left alone; false when it was not evicted. Claims on disk: off any lock.
   */
  boolean evictTaken(String id, boolean removeDisk, int[] diskRemoved) {
    Session s = registry.find(id);
    if (s == null) {
      return false;
    }
    try {
      leases.take(s);
    } catch (CodexMcpException busy) {
      return false;
    }
    try {
      return registry.evict(id, removeDisk, diskRemoved);
    } finally {
      leases.done(s);
    }
  }

  /** Batch removal of finished sessions. */
  public CleanResult clean(SessionRequests.Clean req) {
    return cleaning.clean(req);
  }

  public List<SessionView> list() {
    return registry.list();
  }

  public SessionView get(String sessionId, boolean includeSensitive) {
    return registry.get(sessionId, includeSensitive);
  }

  /** The requests of the session waiting for the client, in arrival order. */
  public List<PendingAction> pendingActions(String sessionId) {
    Session s = registry.require(sessionId);
    List<PendingAction> out = new ArrayList<>();
    synchronized (s) {
      for (PendingRequest p : s.pending.unresolved()) {
        out.add(p.toAction());
      }
    }
    return out;
  }

  /**
   * Answers a parked approval (any channel: the first answer wins, a later one fails with {@code
   * REQUEST_NOT_FOUND}). Codex gets the answer before this returns; throws on any failure.
   */
  public void answer(String sessionId, String requestId, ApprovalDecision decision) {
    serverRequests.respondPermission(sessionId, requestId, decision);
  }

  /** Sessions that are running, waiting for approval, or idle. */
  public int activeSessionCount() {
    return registry.count(st -> st != SessionStatus.ERROR && st != SessionStatus.CANCELLED);
  }

  /** Sessions that are running or waiting for approval. */
  public int runningSessionCount() {
    return registry.count(SessionStatus::isActive);
  }

  public int totalSessionCount() {
    return registry.size();
  }

  /** Model of the most recently active non-cancelled session that has one, else null. */
  public String observedDefaultModel() {
    return registry.observedDefaultModel();
  }

  /** Current status wire name, or null when the session does not exist. */
  public String status(String sessionId) {
    Session s = registry.find(sessionId);
    if (s == null) {
      return null;
    }
    synchronized (s) {
      return s.status().wireName();
    }
  }

  /**
   * Adds a session found on disk at startup. It has no backend: it can be listed, inspected and
   * polled, and answers {@code No client} to operations that need Codex.
   */
  public void ingestRecovered(RecoveredSession r) {
    registry.ingestRecovered(r, DEFAULT_APPROVAL_TIMEOUT_MS);
    if (effects.store().drivenElsewhere(r.sessionId())) {
      foreign.markForeign(r.sessionId()); // another server's: kept fresh from its files
    }
  }

  /**
   * Adds a session found on disk whose turn was running when its server died and whose Codex still
   * runs, and re-attaches it in the background ({@link Reattach}); completes when that is done.
   */
  public CompletableFuture<Void> reattach(RecoveredSession r) {
    Session s = reattach.ingest(r, DEFAULT_APPROVAL_TIMEOUT_MS);
    Path log = r.sessionDir() == null ? null : r.sessionDir().resolve("events.jsonl");
    return leases.drive(s, () -> reattach.start(s, log)); // driven here until it rests
  }

  /** Running sessions whose Codex ends with this server (shutdown waits for these). */
  public int runningEndingWithServer() {
    return Departure.endingWithServer(registry.all());
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the periodic cleanup pass. */
  public void startJanitor() {
    janitor.start();
  }

  /**
   * Starts sharing the state directory with other servers (once the store is on and recovery is
   * done): passes every 500 ms keep other servers' sessions fresh and hand back the ones resting.
   */
  public void startSharing() {
    if (!closed) {
      foreign.start();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * The server exits: wakes every waiter; running turns whose Codex outlives the server are left to
   * it (the next server re-attaches them), every other Codex is stopped ({@link Departure}).
   * Statuses are left as they are.
   */
  @Override
  public void close() {
    closeAsync();
  }

  /** As {@link #close()}, completing when every child has been stopped. */
  public CompletableFuture<Void> closeAsync() {
    closed = true;
    janitor.stop();
    foreign.stop();
    return departure.leave(registry.all(), foreign::neverDrivenHere);
  }
}
