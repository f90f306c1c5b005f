package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.PollOptions;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.ResponseMode;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.testing.FakeBackendFactory;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.RecordingPersistence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SessionManager} on fakes, for session and tool tests: {@link FakeBackendFactory}, {@link
 * ManualClock} + {@link ManualTimer}, a same-thread executor, {@link RecordingPersistence} and
 * deterministic ids ({@code sess_00000001-aaa}, {@code req_00000002}, ...). The cleanup timer is
 * not started. Public so that the tool tests can reach session internals through it.
 */
public final class SessionFixture {
  public final ManualClock clock;
  public final ManualTimer timer;
  public final FakeBackendFactory factory;
  public final RecordingPersistence persistence;
  public final SessionManager manager;
  public final SessionPolling polling;

  /** The same operations answering in the tool contract's JSON. */
  public final JsonSessions json;

  public final Path cwd;
  private final AtomicInteger uuidCounter = new AtomicInteger();

  /** Same-thread executor: work runs on the caller. */
  public static final Executor DIRECT = Runnable::run;

  public SessionFixture(Path cwd) {
    this(cwd, BackendMode.APP_SERVER, true, true);
  }

  public SessionFixture(
      Path cwd, BackendMode mode, boolean persistenceEnabled, boolean noiseFilter) {
    this(cwd, mode, persistenceEnabled, noiseFilter, ClientForms.NONE);
  }

  /** With the client's forms (the {@code elicit} approval channel). */
  public SessionFixture(
      Path cwd,
      BackendMode mode,
      boolean persistenceEnabled,
      boolean noiseFilter,
      ClientForms forms) {
    this(cwd, mode, persistenceEnabled, noiseFilter, forms, DIRECT);
  }

  /** With {@code work} as the work pool (tests of what runs there). */
  public SessionFixture(Path cwd, Executor work) {
    this(cwd, BackendMode.APP_SERVER, true, true, ClientForms.NONE, work);
  }

  private SessionFixture(
      Path cwd,
      BackendMode mode,
      boolean persistenceEnabled,
      boolean noiseFilter,
      ClientForms forms,
      Executor work) {
    this.cwd = cwd;
    this.clock = new ManualClock();
    this.timer = new ManualTimer(clock);
    this.factory = new FakeBackendFactory(mode);
    this.persistence = new RecordingPersistence(persistenceEnabled);
    this.manager =
        new SessionManager(
            factory,
            clock,
            timer,
            work,
            persistence,
            noiseFilter,
            this::nextUuid,
            ClientLog.NONE,
            forms,
            SessionWorkspace.DISABLED);
    this.polling = new SessionPolling(manager);
    this.json = new JsonSessions(manager, polling);
  }

  /**
   * One of several servers on one state directory: {@code store} is its view of the shared state,
   * {@code timer} the shared timer, and its ids start after {@code firstId} (so servers differ).
   * {@link #persistence} is null.
   */
  public SessionFixture(Path cwd, ManualTimer timer, PersistenceHook store, int firstId) {
    this.cwd = cwd;
    this.clock = timer.clock();
    this.timer = timer;
    this.factory = new FakeBackendFactory(BackendMode.APP_SERVER);
    this.persistence = null;
    uuidCounter.set(firstId);
    this.manager =
        new SessionManager(
            factory,
            clock,
            timer,
            DIRECT,
            store,
            true,
            this::nextUuid,
            ClientLog.NONE,
            ClientForms.NONE,
            SessionWorkspace.DISABLED);
    this.polling = new SessionPolling(manager);
    this.json = new JsonSessions(manager, polling);
  }

  private String nextUuid() {
    int n = uuidCounter.incrementAndGet();
    return String.format("%08x-aaaa-4bbb-8ccc-%012x", n, n);
  }

  // ------------------------------------------------------------------ create

  /** Mutable builder of {@link SessionRequests.Create} with the defaults of the codex tool. */
  public final class Create {
    public String prompt = "hello";
    public Path cwd = SessionFixture.this.cwd;
    public String profile;
    public String model;
    public String approvalPolicy = "on-request";
    public String sandbox = "workspace-write";
    public String effort = "low";
    public ObjectNode config;
    public String baseInstructions;
    public String developerInstructions;
    public String personality;
    public String summary;
    public Boolean ephemeral;
    public ObjectNode outputSchema;
    public List<String> images;
    public Long approvalTimeoutMs;
    public String approvalChannel;
    public ReviewTarget review;
    public SessionRequests.Worktree worktree;

    public SessionRequests.Create build() {
      return new SessionRequests.Create(
          prompt,
          cwd,
          profile,
          model,
          approvalPolicy,
          sandbox,
          effort,
          config,
          baseInstructions,
          developerInstructions,
          personality,
          summary,
          ephemeral,
          outputSchema,
          images,
          approvalTimeoutMs,
          approvalChannel,
          review,
          worktree);
    }

    public CompletableFuture<ObjectNode> start() {
      return json.create(build());
    }

    /** Creates the session and returns its id. */
    public String id() {
      return start().join().get("sessionId").asText();
    }
  }

  public Create create() {
    return new Create();
  }

  /** Creates a default session (running, turn {@code turn_mock}) and returns its id. */
  public String newSession() {
    return create().id();
  }

  /** A default session whose first turn completed: status idle. */
  public String idleSession() {
    String id = newSession();
    backend(id)
        .emitNotification("turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    return id;
  }

  // ------------------------------------------------------------------ reply

  public SessionRequests.Reply reply(String id) {
    return new SessionRequests.Reply(id, "next", null, null, null, null, null, null, null, null);
  }

  /** Adds a client-less session as startup recovery would (status after the restart rule). */
  public String recovered(
      String id, String status, String threadId, ObjectNode result, List<ObjectNode> events) {
    return recovered(id, status, threadId, result, events, List.of());
  }

  /**
   * As {@link #recovered}, for a session whose state on disk was damaged as {@code damage} says.
   */
  public String recovered(
      String id,
      String status,
      String threadId,
      ObjectNode result,
      List<ObjectNode> events,
      List<String> damage) {
    PersistedMeta meta =
        new PersistedMeta(
            id,
            status,
            "2026-02-15T09:00:00.000Z",
            "2026-02-15T09:30:00.000Z",
            null,
            null,
            threadId,
            "o4",
            cwd.toString(),
            "on-request",
            "workspace-write",
            null);
    long lastSeq = events.isEmpty() ? -1 : events.get(events.size() - 1).get("seq").asLong();
    manager.ingestRecovered(
        new RecoveredSession(
            id, meta, status, events, lastSeq, result, null, cwd, damage, !damage.isEmpty()));
    return id;
  }

  // ------------------------------------------------------------------ access

  public FakeCodexBackend backend(String id) {
    return factory.forSession(id);
  }

  public Session session(String id) {
    Session s = manager.registry.find(id);
    if (s == null) {
      throw new AssertionError("no session " + id);
    }
    return s;
  }

  public boolean exists(String id) {
    return manager.registry.find(id) != null;
  }

  public String status(String id) {
    return manager.status(id);
  }

  public String threadId(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.threadId();
    }
  }

  public String activeTurnId(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.activeTurnId();
    }
  }

  public long lastEventCursor(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.lastEventCursor();
    }
  }

  public long nextEventId(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.events.nextId();
    }
  }

  public String lastActiveAt(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.lastActiveAt();
    }
  }

  public ObjectNode lastResult(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.lastResult();
    }
  }

  public int waiterCount(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.waiters().size();
    }
  }

  /** Buffered events (a copy). */
  public List<SessionEvent> events(String id) {
    Session s = session(id);
    synchronized (s) {
      return s.events.snapshot();
    }
  }

  public List<SessionEvent> events(String id, EventType type) {
    List<SessionEvent> out = new ArrayList<>();
    for (SessionEvent e : events(id)) {
      if (e.type() == type) {
        out.add(e);
      }
    }
    return out;
  }

  /** Ids of the unresolved pending requests, in arrival order. */
  public List<String> pendingRequestIds(String id) {
    Session s = session(id);
    List<String> out = new ArrayList<>();
    synchronized (s) {
      for (PendingRequest p : s.pending.unresolved()) {
        out.add(p.requestId);
      }
    }
    return out;
  }

  /** The only unresolved pending request id. */
  public String onlyRequestId(String id) {
    List<String> ids = pendingRequestIds(id);
    if (ids.size() != 1) {
      throw new AssertionError("expected one pending request, got " + ids);
    }
    return ids.get(0);
  }

  /** Moves the session's last activity back by {@code ms} (as if it had been idle that long). */
  public void age(String id, long ms) {
    session(id).age(ms);
  }

  /** Runs one cleanup pass. */
  public void sweep() {
    manager.janitor.sweep();
  }

  // ------------------------------------------------------------------ polling

  /** Manager-level poll (full mode, default options). */
  public ObjectNode poll(String id, Long cursor, int maxEvents) {
    return json.poll(id, PollRequest.of(cursor, maxEvents));
  }

  public ObjectNode poll(String id, Long cursor, int maxEvents, PollOptions options) {
    return json.poll(id, new PollRequest(cursor, maxEvents, ResponseMode.FULL, options));
  }

  public static PollOptions options(
      Boolean includeEvents,
      Boolean includeActions,
      Boolean includeResult,
      Boolean skipDeltas,
      Boolean finalOnly,
      Long maxBytes) {
    return new PollOptions(
        includeEvents, includeActions, includeResult, skipDeltas, finalOnly, maxBytes);
  }

  /** {@code respond_permission} as the tool sends it: the decision is parsed first. */
  public ObjectNode respondPermission(
      String id,
      String requestId,
      String decision,
      List<String> exec,
      JsonNode net,
      String denyMessage,
      PollRequest req) {
    return json.respondPermission(
        id, requestId, ApprovalDecision.parse(decision, exec, net, denyMessage), req);
  }

  // ------------------------------------------------------------------ emit shortcuts

  public void notify(String id, String method, String paramsJson) {
    backend(id).emitNotification(method, paramsJson);
  }

  public void request(String id, Object rpcId, String method, String paramsJson) {
    backend(id).emitRequest(rpcId, method, paramsJson);
  }

  /** A command approval request ({@code item/commandExecution/requestApproval}). */
  public String commandApproval(String id, Object rpcId, String paramsJson) {
    request(id, rpcId, "item/commandExecution/requestApproval", paramsJson);
    List<String> ids = pendingRequestIds(id);
    return ids.get(ids.size() - 1);
  }

  public String commandApproval(String id, Object rpcId) {
    return commandApproval(
        id,
        rpcId,
        "{'itemId':'item_1','threadId':'thread_mock','turnId':'turn_mock','command':'ls'}");
  }

  public String userInput(String id, Object rpcId) {
    request(
        id,
        rpcId,
        "item/tool/requestUserInput",
        "{'itemId':'item_q','threadId':'thread_mock','turnId':'turn_mock','questions':[{'id':'q1','header':'H','question':'Which?'}]}");
    List<String> ids = pendingRequestIds(id);
    return ids.get(ids.size() - 1);
  }

  public static JsonNode json(String text) {
    return FakeCodexBackend.json(text);
  }
}
