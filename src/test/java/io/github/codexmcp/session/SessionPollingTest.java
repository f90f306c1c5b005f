package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.session.SessionFixture.options;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.PollOptions;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.ResponseMode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polling and cursors through the session layer (spec 70 group M, session-level parts). */
class SessionPollingTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private void delta(String itemId, String text) {
    f.notify(id, "item/agentMessage/delta", "{'itemId':'" + itemId + "','delta':'" + text + "'}");
  }

  /** Pushes {@code n} unpinned, non-coalescing events with ids 0..n-1. */
  private void deltas(int n) {
    for (int i = 0; i < n; i++) {
      delta("m" + i, "d");
    }
  }

  private ObjectNode poll(Long cursor, int max, ResponseMode mode, PollOptions o) {
    return f.json.poll(id, new PollRequest(cursor, max, mode, o));
  }

  private static long bytes(JsonNode n) {
    return Json.write(n).getBytes(StandardCharsets.UTF_8).length;
  }

  private ObjectNode respond(String rid, Long cursor, int max, PollOptions o) {
    return f.respondPermission(
        id, rid, "accept", null, null, null, new PollRequest(cursor, max, ResponseMode.MINIMAL, o));
  }

  @Test
  void m3ExplicitCursorsReplayButNeverMoveTheSessionCursorBack() {
    deltas(3);
    assertEquals(2, f.poll(id, 0L, 2).get("nextCursor").asLong());
    ObjectNode again = f.poll(id, 0L, 1);
    assertEquals(0, again.at("/events/0/id").asLong());
    assertEquals(2, f.lastEventCursor(id));
    ObjectNode next = f.poll(id, null, 1);
    assertEquals(2, next.at("/events/0/id").asLong());
    assertEquals(3, f.lastEventCursor(id));
  }

  @Test
  void m4CursorBeyondTheEndMovesToTheEnd() {
    deltas(1);
    ObjectNode r = f.poll(id, 999_999L, 10);
    assertEquals(0, r.get("events").size());
    assertEquals(1, r.get("nextCursor").asLong());
    assertEquals(0, f.poll(id, null, 10).get("events").size());
  }

  @Test
  void unconsumedEventsSurviveTheSoftLimit() {
    // The port keeps what the client has not read yet (bounded backlog), so a slow poller loses
    // nothing.
    deltas(1105);
    ObjectNode r = f.poll(id, 0L, 2000);
    assertFalse(r.has("cursorResetTo"));
    assertEquals(1105, r.get("events").size());
  }

  @Test
  void m5ConsumedEventsAreEvictedAndAStaleCursorIsReset() {
    deltas(1105);
    f.poll(id, null, 2000);
    ObjectNode r = f.poll(id, 0L, 2000);
    assertEquals(105, r.get("cursorResetTo").asLong());
    assertEquals(1000, r.get("events").size());
    assertEquals(105, r.at("/events/0/id").asLong());
  }

  /** Overflows the unconsumed backlog: the oldest events go although nobody read them. */
  private long overflowBacklog() {
    deltas(EventRing.DEFAULT_BACKLOG_LIMIT + 1105);
    return 1105;
  }

  @Test
  void m6TinyMaxBytesStillReportsTheReset() {
    long first = overflowBacklog();
    ObjectNode r = poll(0L, 2000, ResponseMode.FULL, options(null, null, null, null, null, 1L));
    assertTrue(r.get("truncated").asBoolean());
    assertTrue(r.get("truncatedFields").toString().contains("events"));
    assertEquals(0, r.get("events").size());
    assertEquals(first, r.get("cursorResetTo").asLong());
    assertEquals(first, r.get("nextCursor").asLong());
    assertEquals(first, f.poll(id, null, 1).at("/events/0/id").asLong());
  }

  @Test
  void m7ZeroMaxEventsAtAStaleCursorReturnsTheReset() {
    long first = overflowBacklog();
    ObjectNode r = f.poll(id, 0L, 0);
    assertEquals(first, r.get("cursorResetTo").asLong());
    assertEquals(first, r.get("nextCursor").asLong());
  }

  @Test
  void m8IncludeEventsFalseConsumesNothing() {
    deltas(2);
    ObjectNode r = f.poll(id, null, 10, options(false, null, null, null, null, null));
    assertEquals(0, r.get("events").size());
    assertEquals(0, r.get("nextCursor").asLong());
    assertEquals(0, f.lastEventCursor(id));
    assertEquals(2, f.poll(id, 0L, 10).get("events").size());
  }

  @Test
  void m9IncludeActionsFalse() {
    f.commandApproval(id, 1);
    assertFalse(f.poll(id, null, 10, options(null, false, null, null, null, null)).has("actions"));
    assertEquals(1, f.poll(id, null, 10).get("actions").size());
  }

  @Test
  void m10IncludeResultFalse() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    ObjectNode r = f.poll(id, null, 10, options(null, null, false, null, null, null));
    assertFalse(r.has("result"));
    assertEquals("idle", r.get("status").asText());
    assertTrue(f.poll(id, null, 10).has("result"));
  }

  @Test
  void m11AndM12ResponseModesCutDeltas() {
    String big = "x".repeat(3000);
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'" + big + "'}");
    ObjectNode minimal = poll(0L, 10, ResponseMode.MINIMAL, null);
    ObjectNode compact = poll(0L, 10, ResponseMode.DELTA_COMPACT, null);
    ObjectNode full = poll(0L, 10, ResponseMode.FULL, null);
    assertTrue(bytes(minimal) < bytes(compact));
    assertTrue(bytes(compact) < bytes(full));
    assertEquals(256, minimal.at("/events/0/data/delta").asText().length());
    assertTrue(minimal.at("/events/0/data/deltaTruncated").asBoolean());
    assertEquals(2048, compact.at("/events/0/data/delta").asText().length());
    assertTrue(compact.at("/events/0/data/deltaTruncated").asBoolean());
    assertEquals(big, full.at("/events/0/data/delta").asText());
    assertFalse(full.at("/events/0/data").has("deltaTruncated"));
  }

  @Test
  void m13MinimalSummarisesDataWithoutPreferredKeys() {
    f.notify(id, "model/rerouted", "{'fromModel':'a','toModel':'b'}");
    assertJson(
        "{'method':'model/rerouted'}",
        poll(0L, 1, ResponseMode.MINIMAL, null).at("/events/0/data"));
    f.manager.cancel(id, null).join();
    JsonNode cancelled = f.events(id, EventType.PROGRESS).get(1).data();
    assertEquals("Session cancelled", cancelled.get("message").asText());
    // an event whose data has no method and none of the preferred keys
    f.session(id).push(EventType.PROGRESS, json("{'foo':1}"), false);
    long last = f.nextEventId(id) - 1;
    assertJson(
        "{'summary':'omitted for minimal response mode'}",
        poll(last, 1, ResponseMode.MINIMAL, null).at("/events/0/data"));
    assertJson("{'foo':1}", poll(last, 1, ResponseMode.DELTA_COMPACT, null).at("/events/0/data"));
  }

  @Test
  void m14MinimalApprovalRequestData() {
    String rid =
        f.commandApproval(id, 1, "{'itemId':'i','command':'rm -rf x','cwd':'/w','reason':'why'}");
    JsonNode data = poll(0L, 10, ResponseMode.MINIMAL, null).at("/events/0/data");
    assertJson("{'requestId':'" + rid + "','kind':'command','itemId':'i'}", data);
  }

  @Test
  void m15TerminalResultIsReturnedOnEveryPoll() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    for (int i = 0; i < 3; i++) {
      assertEquals("turn_mock", f.poll(id, null, 10).at("/result/turnId").asText());
    }
  }

  @Test
  void m16UnknownSession() {
    CodexMcpException e = assertThrows(CodexMcpException.class, () -> f.poll("sess_x", null, 1));
    assertEquals(ErrorCode.SESSION_NOT_FOUND, e.code());
  }

  @Test
  void m17AckWithoutCursorKeepsThePollCursor() {
    String rid = f.commandApproval(id, 1);
    ObjectNode p = f.poll(id, null, 10);
    long cursor = p.get("nextCursor").asLong();
    ObjectNode ack = respond(rid, null, 0, null);
    assertEquals(0, ack.get("events").size());
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertEquals("approval_result", f.poll(id, null, 10).at("/events/0/type").asText());
  }

  @Test
  void m18StaleCursorOnRespondIsRaisedWithAWarning() {
    deltas(2);
    String rid = f.commandApproval(id, 1);
    long cursor = f.poll(id, null, 10).get("nextCursor").asLong();
    ObjectNode ack = respond(rid, 0L, 0, null);
    assertEquals(0, ack.get("events").size());
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertJson(
        "['Provided cursor 0 is stale; used session cursor " + cursor + ".']",
        ack.get("compatWarnings"));
    assertEquals("approval_result", f.poll(id, null, 10).at("/events/0/type").asText());
  }

  @Test
  void m19RespondWithMaxEventsReturnsTheResult() {
    String rid = f.commandApproval(id, 1);
    f.poll(id, null, 10);
    ObjectNode ack = respond(rid, null, 10, null);
    assertEquals("approval_result", ack.at("/events/0/type").asText());
  }

  @Test
  void m20UserInputAckBehavesTheSame() {
    String rid = f.userInput(id, 1);
    long cursor = f.poll(id, null, 10).get("nextCursor").asLong();
    ObjectNode ack =
        f.json.respondUserInput(
            id,
            rid,
            (ObjectNode) json("{'q1':{'answers':['A']}}"),
            new PollRequest(0L, 0, ResponseMode.MINIMAL, null));
    assertEquals(0, ack.get("events").size());
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertEquals(
        "Provided cursor 0 is stale; used session cursor " + cursor + ".",
        ack.at("/compatWarnings/0").asText());
    String rid2 = f.userInput(id, 2);
    f.poll(id, null, 10);
    ObjectNode withEvents =
        f.json.respondUserInput(
            id,
            rid2,
            (ObjectNode) json("{}"),
            new PollRequest(null, 10, ResponseMode.MINIMAL, null));
    assertEquals("approval_result", withEvents.at("/events/0/type").asText());
  }

  @Test
  void m21AckAtAStaleSessionCursorReportsTheReset() {
    overflowBacklog();
    String rid = f.commandApproval(id, 1);
    f.poll(id, null, 10, options(false, null, null, null, null, null));
    ObjectNode ack = respond(rid, null, 0, null);
    // the request and its result evicted two more of the oldest unread events
    long first = f.events(id).get(0).id();
    assertEquals(1107, first);
    assertEquals(0, ack.get("events").size());
    assertEquals(first, ack.get("cursorResetTo").asLong());
    assertEquals(first, ack.get("nextCursor").asLong());
    assertEquals(first, f.lastEventCursor(id));
    assertEquals(first, f.poll(id, null, 1).at("/events/0/id").asLong());
  }

  @Test
  void m22LargeCommandApprovalIsCompactedUnderMaxBytes() {
    String cmd = "y".repeat(4000);
    String rid =
        f.commandApproval(
            id,
            1,
            "{'itemId':'i','command':'"
                + cmd
                + "','reason':'r','availableDecisions':['accept','cancel'],"
                + "'additionalPermissions':{'network':{'enabled':true}},'networkApprovalContext':{'host':'h','protocol':'https'},"
                + "'proposedNetworkPolicyAmendments':[{'host':'h','action':'allow'}]}");
    ObjectNode r = f.poll(id, null, 10, options(false, null, null, null, null, 700L));
    assertEquals("waiting_approval", r.get("status").asText());
    assertTrue(r.get("truncated").asBoolean());
    assertTrue(r.get("truncatedFields").toString().contains("actions"));
    assertEquals(1, r.get("actions").size());
    JsonNode a = r.get("actions").get(0);
    assertFalse(a.has("params"));
    assertFalse(a.has("reason"));
    assertJson("['accept','cancel']", a.get("availableDecisions"));
    assertJson("{'network':{'enabled':true}}", a.get("additionalPermissions"));
    assertJson("{'host':'h','protocol':'https'}", a.get("networkApprovalContext"));
    assertJson("[{'host':'h','action':'allow'}]", a.get("proposedNetworkPolicyAmendments"));
    assertTrue(bytes(r) <= 700 + 200, "close to the budget (enrichment fields are not counted)");
    respond(rid, null, 0, null);
    assertEquals("running", f.status(id));
  }

  @Test
  void m23LargeUserInputKeepsQuestionIds() {
    f.request(
        id,
        1,
        "item/tool/requestUserInput",
        "{'itemId':'q','questions':[{'id':'q1','question':'" + "z".repeat(3000) + "'}]}");
    String rid = f.onlyRequestId(id);
    ObjectNode r = f.poll(id, null, 10, options(false, null, null, null, null, 700L));
    assertTrue(r.get("truncated").asBoolean());
    assertEquals(1, r.get("actions").size());
    assertEquals("user_input", r.at("/actions/0/kind").asText());
    assertEquals("q1", r.at("/actions/0/params/questions/0/id").asText());
    f.json.respondUserInput(
        id, rid, (ObjectNode) json("{'q1':{'answers':['ok']}}"), PollRequest.of(null, 0));
    assertTrue(f.pendingRequestIds(id).isEmpty());
  }

  @Test
  void m24TruncationWarningOnlyWhenItFits() {
    deltas(50);
    ObjectNode roomy = f.poll(id, 0L, 50, options(null, null, null, null, null, 2000L));
    assertTrue(roomy.get("truncated").asBoolean());
    assertJson(
        "['Response truncated to respect pollOptions.maxBytes=2000.']",
        roomy.get("compatWarnings"));
    ObjectNode tiny = f.poll(id, 0L, 50, options(null, null, null, null, null, 10L));
    assertTrue(tiny.get("truncated").asBoolean());
    assertFalse(tiny.has("compatWarnings"));
  }

  @Test
  void m25GenerousMaxBytesTruncatesNothing() {
    deltas(5);
    ObjectNode r = f.poll(id, 0L, 50, options(null, null, null, null, null, 1_000_000L));
    assertFalse(r.has("truncated"));
    assertFalse(r.has("truncatedFields"));
    assertEquals(5, r.get("events").size());
  }

  @Test
  void m26SkipDeltasReturnsTheFirstNonDelta() {
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'a','delta':'1'}");
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'2'}");
    f.notify(id, "item/completed", "{'item':{'type':'agentMessage','id':'m','text':'12'}}");
    ObjectNode r = f.poll(id, null, 1, options(null, null, null, true, null, null));
    assertEquals(1, r.get("events").size());
    assertEquals("item/completed", r.at("/events/0/data/method").asText());
    assertEquals(3, r.get("nextCursor").asLong());
  }

  @Test
  void m27SkipDeltasWithOnlyDeltasConsumesThem() {
    deltas(4);
    ObjectNode r = f.poll(id, null, 1, options(null, null, null, true, null, null));
    assertEquals(0, r.get("events").size());
    assertEquals(4, r.get("nextCursor").asLong());
    assertEquals(4, f.lastEventCursor(id));
  }

  @Test
  void m28FinalOnlyOnAnIdleSession() {
    deltas(3);
    f.commandApproval(id, 1);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    ObjectNode r = f.poll(id, null, 10, options(null, null, false, null, true, null));
    assertEquals(0, r.get("events").size());
    assertTrue(r.has("result"), "finalOnly forces the result");
    assertEquals(
        1, r.get("actions").size(), "the pending request is still listed after turn/completed");
    assertEquals(f.nextEventId(id), f.lastEventCursor(id));
  }

  @Test
  void m29FinalOnlyOnARunningSession() {
    deltas(3);
    ObjectNode r = f.poll(id, null, 10, options(null, null, null, null, true, null));
    assertEquals(0, r.get("events").size());
    assertFalse(r.has("result"));
    assertEquals(3, f.lastEventCursor(id));
  }

  @Test
  void m30RespondWithSkipDeltasDoesNotAdvanceTheCursor() {
    String rid = f.commandApproval(id, 1);
    deltas(3);
    long cursor = f.lastEventCursor(id);
    ObjectNode ack = respond(rid, null, 0, options(null, null, null, true, null, null));
    assertEquals(0, ack.get("events").size());
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertEquals(cursor, f.lastEventCursor(id));
  }

  @Test
  void m31ProgressIsDroppedAfterResultAndBeforeActions() {
    f.commandApproval(id, 1);
    f.notify(
        id,
        "turn/completed",
        "{'turn':{'id':'turn_mock','status':'completed','items':[],'x':'"
            + "w".repeat(500)
            + "'}}");
    ObjectNode full = f.poll(id, null, 0, options(null, null, null, null, null, null));
    long withoutResultAndProgress =
        bytes(full) - bytes(full.get("result")) - bytes(full.get("progress"));
    ObjectNode r =
        f.poll(id, null, 0, options(null, null, null, null, null, withoutResultAndProgress + 60));
    assertJson("['result','progress']", r.get("truncatedFields"));
    assertTrue(r.has("actions"));
  }

  @Test
  void noWaitPollDoesNotRefreshActivity() {
    f.timer.advanceMillis(5_000);
    f.poll(id, null, 10);
    f.json.get(id, true);
    f.json.list();
    assertEquals("2026-02-15T10:00:00.000Z", f.lastActiveAt(id));
  }

  @Test
  void pollResponseFieldOrder() {
    deltas(1);
    f.commandApproval(id, 1);
    List<String> names = List.copyOf(iterable(f.poll(id, null, 1).fieldNames()));
    assertEquals(
        List.of(
            "sessionId",
            "status",
            "pollInterval",
            "progress",
            "events",
            "nextCursor",
            "actions",
            "interactionState",
            "recommendedNextAction"),
        names);
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
