package io.github.codexmcp.session;

import static io.github.codexmcp.testing.FakeCodexBackend.DESTROY;
import static io.github.codexmcp.testing.FakeCodexBackend.DETACH;
import static io.github.codexmcp.testing.FakeCodexBackend.LATEST_TURN;
import static io.github.codexmcp.testing.FakeCodexBackend.RESPOND;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_RESUME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-attaching a session whose turn outlived its server: the session keeps its persisted status,
 * the items the dead server missed are appended once, a finished turn gives its result, a pending
 * approval sent again by Codex keeps its id and its one event; and leaving sessions at shutdown:
 * running turns are detached (requests left unanswered), resting ones stopped.
 */
class ReattachTest {
  static final String SID = "sess_reattach0001";
  static final String THREAD = "thr_1";
  static final String TURN = "turn_1";

  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private static ObjectNode event(long seq, String type, ObjectNode data) {
    ObjectNode e = Json.object().put("seq", seq).put("type", type);
    e.set("data", data);
    e.put("timestamp", "2026-02-15T09:00:00.000Z");
    return e;
  }

  private static ObjectNode itemEvent(String method, String itemJson) {
    ObjectNode d = Json.object().put("method", method).put("threadId", THREAD).put("turnId", TURN);
    d.set("item", Json.parse(itemJson));
    return d;
  }

  /** A session recovered with status running (the restart rule made it error on disk). */
  private RecoveredSession recovered(String persistedStatus, List<ObjectNode> events) {
    return recovered(persistedStatus, events, null);
  }

  private RecoveredSession recovered(
      String persistedStatus, List<ObjectNode> events, Long approvalTimeoutMs) {
    PersistedMeta meta =
        new PersistedMeta(
            SID,
            "error",
            "2026-02-15T09:00:00.000Z",
            "2026-02-15T09:30:00.000Z",
            null,
            RecoveredSession.RESTART_REASON,
            THREAD,
            "o4",
            cwd.toString(),
            "on-request",
            "workspace-write",
            null,
            null,
            null,
            null,
            approvalTimeoutMs);
    return new RecoveredSession(
        SID, meta, persistedStatus, events, events.size() - 1, null, null, cwd);
  }

  private List<ObjectNode> turnSoFar() {
    List<ObjectNode> events = new ArrayList<>();
    events.add(
        event(
            0,
            "output",
            itemEvent(
                "item/completed", "{\"type\":\"userMessage\",\"id\":\"u1\",\"content\":[]}")));
    events.add(
        event(
            1,
            "progress",
            itemEvent(
                "item/started",
                "{\"type\":\"commandExecution\",\"id\":\"c1\",\"status\":\"inProgress\"}")));
    return events;
  }

  private void latestTurn(String turnJson) {
    f.factory.configureNext(b -> b.answer(LATEST_TURN, "{\"data\":[" + turnJson + "]}"));
  }

  private long count(String method, String itemId) {
    return f.events(SID).stream()
        .filter(e -> method.equals(e.method()))
        .filter(e -> itemId.equals(Json.text(e.data().path("item"), "id")))
        .count();
  }

  @Test
  void aTurnThatFinishedWhileNoServerWasThereGivesItsResult() {
    f.factory.survivors.add(SID);
    latestTurn(
        "{\"id\":\"turn_1\",\"status\":\"completed\",\"items\":["
            + "{\"type\":\"userMessage\",\"id\":\"u1\",\"content\":[]},"
            + "{\"type\":\"commandExecution\",\"id\":\"c1\",\"status\":\"completed\"},"
            + "{\"type\":\"agentMessage\",\"id\":\"m1\",\"text\":\"all done\"}]}");
    f.manager.reattach(recovered("running", turnSoFar())).join();

    assertEquals("idle", f.status(SID));
    ObjectNode got = f.json.get(SID, false);
    assertTrue(!got.has("cancelledReason"), got.toString());
    ObjectNode poll = f.poll(SID, 0L, 100);
    assertEquals("all done", poll.at("/result/text").asText(), poll.toString());
    assertEquals("turn_1", poll.at("/result/turnId").asText());
    assertEquals(1, count("item/completed", "u1"), "persisted item not appended again");
    assertEquals(1, count("item/completed", "c1"));
    assertEquals(1, count("item/completed", "m1"));
    assertEquals(1, f.events(SID, EventType.RESULT).size());
    FakeCodexBackend b = f.backend(SID);
    assertEquals(true, b.lastParams(THREAD_RESUME).path("excludeTurns").asBoolean());
    assertEquals("idle", f.persistence.meta(SID).path("status").asText());
  }

  @Test
  void itemsCompletedBeforeTheEventsRecoveryKeptAreNotAppendedAgain() throws Exception {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 600; i++) {
      String item =
          "{\"type\":\"commandExecution\",\"id\":\"c" + i + "\",\"status\":\"completed\"}";
      log.append(event(i, "output", itemEvent("item/completed", item))).append('\n');
    }
    Files.writeString(cwd.resolve("events.jsonl"), log); // cwd is the session dir
    List<ObjectNode> kept = new ArrayList<>(); // recovery keeps only the log's last events
    kept.add(
        event(
            599,
            "output",
            itemEvent(
                "item/completed",
                "{\"type\":\"commandExecution\",\"id\":\"c599\",\"status\":\"completed\"}")));
    f.factory.survivors.add(SID);
    latestTurn(
        "{\"id\":\"turn_1\",\"status\":\"completed\",\"items\":["
            + "{\"type\":\"commandExecution\",\"id\":\"c0\",\"status\":\"completed\"},"
            + "{\"type\":\"commandExecution\",\"id\":\"c599\",\"status\":\"completed\"},"
            + "{\"type\":\"agentMessage\",\"id\":\"m1\",\"text\":\"all done\"}]}");
    f.manager.reattach(recovered("running", kept)).join();

    assertEquals(0, count("item/completed", "c0"), "completed long ago, only in the log on disk");
    assertEquals(1, count("item/completed", "c599"));
    assertEquals(1, count("item/completed", "m1"));
    assertEquals("all done", f.poll(SID, 0L, 100).at("/result/text").asText());
  }

  @Test
  void aTurnStillRunningGoesOnWithLiveReports() {
    f.factory.survivors.add(SID);
    latestTurn(
        "{\"id\":\"turn_1\",\"status\":\"inProgress\",\"items\":["
            + "{\"type\":\"userMessage\",\"id\":\"u1\",\"content\":[]},"
            + "{\"type\":\"commandExecution\",\"id\":\"c1\",\"status\":\"inProgress\"}]}");
    f.manager.reattach(recovered("running", turnSoFar())).join();

    assertEquals("running", f.status(SID));
    assertEquals("running", f.persistence.meta(SID).path("status").asText(), "over the error");
    assertEquals(TURN, f.activeTurnId(SID), "interrupt needs the turn's id");
    assertEquals(0, count("item/completed", "c1"), "an unfinished item is reported live");
    FakeCodexBackend b = f.backend(SID);
    b.emitNotification(
        "item/completed",
        "{'threadId':'thr_1','turnId':'turn_1','item':{'type':'commandExecution','id':'c1','status':'completed'}}");
    b.emitNotification(
        "item/completed",
        "{'threadId':'thr_1','turnId':'turn_1','item':{'type':'agentMessage','id':'m1','text':'live end'}}");
    b.emitNotification("turn/completed", "{'turn':{'id':'turn_1','status':'completed'}}");
    assertEquals("idle", f.status(SID));
    assertEquals(1, count("item/completed", "c1"));
    assertEquals("live end", f.poll(SID, 0L, 100).at("/result/text").asText());
  }

  @Test
  void aPendingApprovalSentAgainKeepsItsIdAndItsOneEvent() {
    ObjectNode params = Json.object().put("itemId", "c1").put("threadId", THREAD);
    params.put("turnId", TURN).put("command", "rm -rf build").put("reason", "needs it");
    reattachWaitingOn(params);

    FakeCodexBackend b = f.backend(SID);
    b.emitRequest(3, "item/commandExecution/requestApproval", params.deepCopy());
    assertAnsweredOnceUnderItsOldId(b);
  }

  @Test
  void aPendingApprovalSentAgainInOtherWordsKeepsItsIdAndItsOneEvent() {
    ObjectNode params = Json.object().put("itemId", "c1").put("threadId", THREAD);
    params.put("turnId", TURN).put("command", "rm -rf build").put("reason", "needs it");
    reattachWaitingOn(params);

    ObjectNode again = params.deepCopy().put("reason", "a newer Codex words it differently");
    again.putArray("availableDecisions").add("accept").add("decline");
    FakeCodexBackend b = f.backend(SID);
    b.emitRequest(3, "item/commandExecution/requestApproval", again);
    assertAnsweredOnceUnderItsOldId(b);
  }

  @Test
  void anotherItemsApprovalSentOnResumeIsANewRequest() {
    ObjectNode params = Json.object().put("itemId", "c1").put("threadId", THREAD);
    params.put("turnId", TURN).put("command", "rm -rf build").put("reason", "needs it");
    reattachWaitingOn(params);

    FakeCodexBackend b = f.backend(SID);
    b.emitRequest(
        4, "item/commandExecution/requestApproval", params.deepCopy().put("itemId", "c2"));
    List<PendingAction> actions = f.manager.pendingActions(SID);
    assertEquals(1, actions.size());
    assertTrue(!"req_before1".equals(actions.get(0).requestId()), actions.toString());
    assertEquals(2, f.events(SID, EventType.APPROVAL_REQUEST).size());
  }

  @Test
  void aPendingApprovalSentAgainTimesOutAfterTheSessionsOwnTimeout() {
    ObjectNode params = Json.object().put("itemId", "c1").put("threadId", THREAD);
    params.put("turnId", TURN).put("command", "rm -rf build");
    reattachWaitingOn(params, 300_000L);
    FakeCodexBackend b = f.backend(SID);
    b.emitRequest(3, "item/commandExecution/requestApproval", params.deepCopy());

    f.timer.advance(Duration.ofMillis(SessionManager.DEFAULT_APPROVAL_TIMEOUT_MS));
    assertEquals(1, f.manager.pendingActions(SID).size(), "not the server's default timeout");
    assertEquals(0, b.count(RESPOND));
    f.timer.advance(Duration.ofMillis(300_000 - SessionManager.DEFAULT_APPROVAL_TIMEOUT_MS));
    assertTrue(f.manager.pendingActions(SID).isEmpty(), "the session's own timeout");
    assertEquals(1, b.count(RESPOND));
    assertEquals(300_000L, f.persistence.meta(SID).path("approvalTimeoutMs").asLong());
  }

  private void assertAnsweredOnceUnderItsOldId(FakeCodexBackend b) {
    List<PendingAction> actions = f.manager.pendingActions(SID);
    assertEquals(1, actions.size());
    assertEquals("req_before1", actions.get(0).requestId());
    assertEquals(1, f.events(SID, EventType.APPROVAL_REQUEST).size(), "no second event");

    f.manager.answer(SID, "req_before1", ApprovalDecision.parse("accept", null, null, null));
    assertEquals(1, b.count(RESPOND));
    assertEquals("running", f.status(SID));
  }

  /** Re-attaches SID waiting on the persisted approval of {@code params} (req_before1). */
  private void reattachWaitingOn(ObjectNode params) {
    reattachWaitingOn(params, null);
  }

  private void reattachWaitingOn(ObjectNode params, Long approvalTimeoutMs) {
    ObjectNode requestEvent =
        new PendingRequest(
                "req_before1",
                RequestKind.COMMAND,
                Json.MAPPER.valueToTree(3),
                "item/commandExecution/requestApproval",
                params,
                "2026-02-15T09:00:00.000Z")
            .toRequestEvent();
    List<ObjectNode> events = turnSoFar();
    events.add(event(2, "approval_request", requestEvent));
    f.factory.survivors.add(SID);
    f.factory.configureNext(
        b ->
            b.answer(LATEST_TURN, "{\"data\":[{\"id\":\"turn_1\",\"status\":\"inProgress\"}]}")
                .answer(
                    THREAD_RESUME,
                    "{\"thread\":{\"id\":\"thr_1\",\"status\":{\"type\":\"active\","
                        + "\"activeFlags\":[\"waitingOnApproval\"]}}}"));
    f.manager.reattach(recovered("waiting_approval", events, approvalTimeoutMs)).join();
    assertEquals("waiting_approval", f.status(SID));
  }

  @Test
  void anApprovalSettledWhileNoServerWasThereIsLoggedAsTimedOut() {
    ObjectNode requestEvent =
        Json.object().put("requestId", "req_before2").put("kind", "command").put("itemId", "c1");
    List<ObjectNode> events = turnSoFar();
    events.add(event(2, "approval_request", requestEvent));
    f.factory.survivors.add(SID);
    latestTurn("{\"id\":\"turn_1\",\"status\":\"inProgress\",\"items\":[]}");
    f.manager.reattach(recovered("waiting_approval", events)).join();

    assertEquals("running", f.status(SID), "Codex waits for no answer any more");
    assertTrue(f.manager.pendingActions(SID).isEmpty());
    List<SessionEvent> results = f.events(SID, EventType.APPROVAL_RESULT);
    assertEquals(1, results.size());
    assertEquals("req_before2", Json.text(results.get(0).data(), "requestId"));
    assertEquals("decline", Json.text(results.get(0).data(), "decision"));
    assertTrue(results.get(0).data().path("timeout").asBoolean());
  }

  @Test
  void aSessionThatCannotBeResumedEndsAsAfterAnyRestart() {
    f.factory.survivors.add(SID);
    f.factory.configureNext(b -> b.fail(THREAD_RESUME, "no such thread"));
    f.manager.reattach(recovered("running", turnSoFar())).join();
    assertEquals("error", f.status(SID));
    ObjectNode poll = f.poll(SID, 0L, 100);
    assertTrue(
        poll.at("/result/error").asText().startsWith(RecoveredSession.RESTART_REASON),
        poll.toString());
    assertEquals(1, f.backend(SID).count(DESTROY), "its Codex is stopped");
  }

  @Test
  void shutdownDetachesARunningTurnAndStopsARestingSession() {
    f.factory.configureEvery(b -> b.detachable(true));
    String running = f.create().id();
    f.backend(running).emitRequest(9, "item/commandExecution/requestApproval", "{'itemId':'i'}");
    String resting = f.idleSession();
    assertEquals(0, f.manager.runningEndingWithServer());

    f.manager.closeAsync().join();
    FakeCodexBackend r = f.backend(running);
    assertEquals(1, r.count(DETACH));
    assertEquals(0, r.count(DESTROY), "the turn goes on in its detached Codex");
    assertEquals(0, r.count(RESPOND), "its pending request stays open for the next server");
    assertEquals("waiting_approval", f.status(running), "persisted as it is");
    assertEquals(1, f.backend(resting).count(DESTROY));
  }

  @Test
  void shutdownWaitsOnlyForTurnsWhoseCodexEndsWithTheServer() {
    String running = f.create().id();
    assertEquals(1, f.manager.runningEndingWithServer());
    f.manager.closeAsync().join();
    assertEquals(1, f.backend(running).count(DESTROY));
    assertNull(f.session(running).backend());
  }

  @Test
  void aBackendNotAdoptedLeavesTheDetachedCodexRunning() {
    FakeCodexBackend other = new FakeCodexBackend().detachable(true);
    f.factory.survivors.add(SID);
    f.factory.configureNext(
        b -> {
          b.detachable(true);
          f.session(SID).adopt(other); // a concurrent call gave the session a backend meanwhile
        });
    f.manager.reattach(recovered("running", turnSoFar())).join();
    FakeCodexBackend lost = f.factory.last();
    assertEquals(1, lost.count(DETACH), "the unused backend lets go of the process");
    assertEquals(0, lost.count(DESTROY), "the Codex both would use is not stopped");
  }

  @Test
  void aContinuationThatLosesTheRaceLeavesTheDetachedCodexRunning() {
    String id = f.recovered("sess_race00000001", "idle", THREAD, null, List.of());
    FakeCodexBackend other = new FakeCodexBackend().detachable(true);
    f.factory.configureNext(
        b -> {
          b.detachable(true);
          f.session(id).adopt(other);
        });
    f.manager.reply(f.reply(id)).join();
    FakeCodexBackend lost = f.factory.last();
    assertEquals(1, lost.count(DETACH));
    assertEquals(0, lost.count(DESTROY));
  }

  @Test
  void persistedEventsAreSeenThroughTheSnapshot() {
    f.factory.survivors.add(SID);
    f.manager.reattach(recovered("running", turnSoFar())).join();
    List<SessionEvent> all = f.events(SID);
    assertEquals(2, all.size(), all.toString());
  }
}
