package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.protocol.CodexNotification;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.state.CompletedItems;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-attaches a session recovered at start-up whose turn was running (or waiting for an approval)
 * when its server died, and whose detached app-server still runs: the session keeps its persisted
 * status, gets a backend attached to that app-server ({@code initialize}, {@code thread/resume}),
 * and is reconciled with the thread's latest turn ({@code thread/turns/list}): the items the dead
 * server did not persist are appended (deduplicated by item id), a finished turn gives its result
 * and the session rests, a running one goes on with live notifications. A pending approval is sent
 * again by Codex on resume and takes its persisted request id ({@link PendingRequests}), so it
 * appears once. When anything fails the session ends as after any restart: error, and its
 * app-server is stopped.
 *
 * <p><b>Threads.</b> {@link #ingest} runs on the recovery thread; {@link #start} returns at once:
 * attaching (which blocks for the socket) runs on the work pool, the reconciliation on the
 * session's inbox after the reports that arrived before the turn was read, so the reports and the
 * reconciliation see each other's events; the session's event log is read there too (the work
 * pool). The session's lock is held for in-memory work only. No state of its own.
 */
final class Reattach {
  private static final Logger LOG = LoggerFactory.getLogger(Reattach.class);

  /** Method of the reports that restore an agent message's text without a second event. */
  static final String REPLAYED = "codex-mcp/reattached";

  private final SessionRegistry registry;
  private final BackendFactory backends;
  private final SessionEffects effects;
  private final BackendEvents events;
  private final Executor work;
  private final Clock clock;

  Reattach(
      SessionRegistry registry,
      BackendFactory backends,
      SessionEffects effects,
      BackendEvents events,
      Executor work,
      Clock clock) {
    this.registry = registry;
    this.backends = backends;
    this.effects = effects;
    this.events = events;
    this.work = work;
    this.clock = clock;
  }

  /** Adds {@code r} with its status as found on disk; its unanswered requests are remembered. */
  Session ingest(RecoveredSession r, long approvalTimeoutMs) {
    registry.ingestRecovered(r.asFound(), approvalTimeoutMs);
    Session s = registry.require(r.sessionId());
    Effects fx;
    synchronized (s) {
      Set<String> answered = new HashSet<>();
      for (SessionEvent e : s.events.snapshot()) {
        if (e.type() == EventType.APPROVAL_RESULT) {
          answered.add(Json.text(e.data(), "requestId"));
        }
      }
      for (SessionEvent e : s.events.snapshot()) {
        if (e.type() == EventType.APPROVAL_REQUEST
            && e.data() instanceof ObjectNode d
            && !answered.contains(Json.text(d, "requestId"))) {
          s.pending.recovered(d);
        }
      }
      fx = s.effects(new Effects.Builder().meta()); // over the restart rule's error queued on disk
    }
    effects.apply(s, fx);
    return s;
  }

  /**
   * Attaches, resumes and reconciles in the background; completes when done (never fails). {@code
   * eventLog} is the session's {@code events.jsonl} (null: none): the items it reports completed
   * are not appended again, also those older than the events recovery kept in memory.
   */
  CompletableFuture<Void> start(Session s, Path eventLog) {
    long t0 = clock.nanoTime();
    String threadId;
    LaunchOptions launch;
    synchronized (s) {
      threadId = s.threadId();
      Settings st = s.settings();
      launch =
          new LaunchOptions(
              s.profile,
              st.model(),
              st.approvalPolicy(),
              st.sandbox(),
              s.config,
              st.cwd(),
              s.approvalTimeoutMs);
    }
    CodexBackend b;
    try {
      b = backends.create(s.id, launch);
    } catch (RuntimeException e) {
      LOG.warn("[codex-mcp] cannot re-attach session {}: {}", s.id, e.toString());
      return CompletableFuture.completedFuture(null);
    }
    if (threadId == null || !s.adopt(b)) {
      if (!b.detach()) { // not started: the detached Codex (maybe another backend's) runs on
        b.destroy();
      }
      return CompletableFuture.completedFuture(null);
    }
    SerialExecutor inbox = new SerialExecutor(work);
    b.setListener(events.listenerFor(s, b, inbox));
    return CompletableFuture.supplyAsync(b::start, work)
        .thenCompose(f -> f)
        .thenCompose(
            init ->
                b.threadResume(Json.object().put("threadId", threadId).put("excludeTurns", true)))
        .thenCompose(
            resumed -> {
              // Codex waits for an answer: it sent its pending requests again while resuming
              boolean waiting =
                  resumed.path("thread").path("status").path("activeFlags").size() > 0;
              return b.latestTurn(threadId)
                  .thenAcceptAsync(
                      list ->
                          reconcile(
                              s,
                              threadId,
                              list.path("data").path(0),
                              waiting,
                              CompletedItems.inLog(eventLog)),
                      inbox);
            })
        .handle(
            (v, err) -> {
              if (err != null) {
                fail(s, b, err);
              } else {
                LOG.info(
                    "[codex-mcp] re-attached session {} to its running Codex in {} ms",
                    s.id,
                    (clock.nanoTime() - t0) / 1_000_000);
              }
              return null;
            });
  }

  private void fail(Session s, CodexBackend b, Throwable err) {
    String message =
        RecoveredSession.RESTART_REASON
            + "; its Codex process could not be re-attached: "
            + Redactor.redactPaths(ErrorMessages.messageOf(err));
    LOG.warn("[codex-mcp] session {}: {}", s.id, message);
    effects.apply(s, s.backendDied(b, message));
    s.adopt(null);
    b.destroy();
  }

  /**
   * Appends what the dead server missed of the thread's last turn and, when that turn is over, its
   * end; when Codex waits for no answer ({@code waiting} false), the requests the dead server had
   * parked were settled meanwhile (the keeper, at their timeout) and are logged so. {@code logged}:
   * the item ids the session's whole event log reports completed. Runs on the session's inbox.
   */
  void reconcile(Session s, String threadId, JsonNode turn, boolean waiting, Set<String> logged) {
    if (!waiting) {
      Effects settled;
      synchronized (s) {
        Effects.Builder fx = new Effects.Builder();
        s.pending.settleUnsent(s, fx);
        settled = s.effects(fx);
      }
      effects.apply(s, settled);
    }
    if (!turn.isObject()) {
      return;
    }
    String turnId = Json.text(turn, "id");
    Set<String> seen = new HashSet<>(logged);
    boolean ended;
    synchronized (s) {
      for (SessionEvent e : s.events.snapshot()) {
        if ("item/completed".equals(e.method())) {
          String id = Json.text(e.data().path("item"), "id");
          if (id != null) {
            seen.add(id);
          }
        }
      }
      ended = !s.status().isActive();
    }
    String status = Json.text(turn, "status");
    boolean running = status == null || "inProgress".equals(status);
    JsonNode items = turn.path("items");
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      ObjectNode params = Json.object().put("threadId", threadId).put("turnId", turnId);
      params.set("item", item);
      String id = Json.text(item, "id");
      String itemStatus = Json.text(item, "status");
      // an item still under way is reported live once it completes: appended now it would be twice
      boolean unfinished =
          "inProgress".equals(itemStatus)
              || (running && i == items.size() - 1 && itemStatus == null);
      if (!unfinished && (id == null || !seen.contains(id))) {
        events.notification(s, CodexNotification.ITEM_COMPLETED, params);
      } else if (CodexNotification.read(CodexNotification.ITEM_COMPLETED, params)
          instanceof CodexNotification.AgentMessage m) {
        effects.apply(s, s.notification(REPLAYED, params, m)); // its text, for the turn's result
      }
    }
    if (ended || running) {
      if (!ended && turnId != null) { // goes on: interrupt needs its id
        effects.apply(s, s.turnAccepted(turnId, null, null, null, null));
      }
      return;
    }
    ObjectNode end = turn.deepCopy();
    end.remove("items");
    ObjectNode params = Json.object().put("threadId", threadId);
    params.set("turn", end);
    events.notification(s, CodexNotification.TURN_COMPLETED, params);
  }
}
