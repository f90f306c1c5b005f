package io.github.codexmcp.session;

import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications as they change session state and the buffer (spec 70 group Q). */
class NotificationStateTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private void n(String method, String params) {
    f.notify(id, method, params);
  }

  private SessionEvent last() {
    List<SessionEvent> all = f.events(id);
    return all.get(all.size() - 1);
  }

  @Test
  void q1ItemTypesDecideOutputOrProgress() {
    n("item/completed", "{'item':{'type':'agentMessage','id':'m','text':'hi'}}");
    assertEquals(EventType.OUTPUT, last().type());
    n("item/completed", "{'item':{'type':'commandExecution','id':'c','status':'completed'}}");
    assertEquals(EventType.PROGRESS, last().type());
    assertEquals("completed", last().data().get("status").asText());
  }

  @Test
  void q2UserMessageIsOutput() {
    n("item/started", "{'item':{'type':'userMessage','id':'u'}}");
    assertEquals(EventType.OUTPUT, last().type());
  }

  @Test
  void q3CommandOutputDeltasOfOneItemCoalesce() {
    int before = f.events(id).size();
    for (String d : List.of("a", "b", "c")) {
      n(
          "item/commandExecution/outputDelta",
          "{'itemId':'c1','turnId':'turn_mock','delta':'" + d + "'}");
    }
    assertEquals(before + 1, f.events(id).size());
    assertEquals("abc", last().data().get("delta").asText());
  }

  @Test
  void q4ToQ6ReasoningDeltasCoalesce() {
    n("item/reasoning/summaryTextDelta", "{'itemId':'r1','delta':'hello'}");
    n("item/reasoning/summaryTextDelta", "{'itemId':'r1','delta':' world'}");
    assertEquals("hello world", last().data().get("delta").asText());
    n("item/reasoning/summaryTextDelta", "{'turnId':'t','delta':'first'}");
    n("item/reasoning/summaryTextDelta", "{'turnId':'t','delta':' second'}");
    assertEquals("first second", last().data().get("delta").asText());
    n("item/reasoning/textDelta", "{'turnId':'t','delta':'A'}");
    n("item/reasoning/textDelta", "{'turnId':'t','delta':'B'}");
    assertEquals("AB", last().data().get("delta").asText());
  }

  @Test
  void q7NoCoalescingAcrossItemsOrAfterPinnedEvents() {
    n("item/commandExecution/outputDelta", "{'itemId':'a','delta':'1'}");
    n("item/commandExecution/outputDelta", "{'itemId':'b','delta':'2'}");
    f.commandApproval(id, 1);
    n("item/commandExecution/outputDelta", "{'itemId':'b','delta':'3'}");
    n("item/commandExecution/outputDelta", "{'delta':'4'}");
    n("item/commandExecution/outputDelta", "{'delta':'5'}");
    List<SessionEvent> deltas =
        f.events(id).stream()
            .filter(e -> "item/commandExecution/outputDelta".equals(e.method()))
            .toList();
    assertEquals(
        List.of("1", "2", "3", "4", "5"),
        deltas.stream().map(e -> e.data().get("delta").asText()).toList());
  }

  @Test
  void q8AgentMessageDeltasAreNeverCoalesced() {
    n("item/agentMessage/delta", "{'threadId':'t','turnId':'u','itemId':'m','delta':'Hel'}");
    n("item/agentMessage/delta", "{'threadId':'t','turnId':'u','itemId':'m','delta':'lo'}");
    List<SessionEvent> out = f.events(id, EventType.OUTPUT);
    assertEquals(2, out.size());
    assertJson(
        "{'method':'item/agentMessage/delta','delta':'Hel','itemId':'m'}", out.get(0).data());
  }

  @Test
  void q9NoiseFilterAppliesToCommandOutput() {
    int before = f.events(id).size();
    n("item/commandExecution/outputDelta", "{'itemId':'c','delta':'oh-my-posh init'}");
    assertEquals(before, f.events(id).size(), "an all-noise delta creates no event");
    n(
        "item/commandExecution/outputDelta",
        "{'itemId':'c','delta':'oh-my-posh init\\nreal output'}");
    assertEquals("real output", last().data().get("delta").asText());

    SessionFixture raw = new SessionFixture(cwd, BackendMode.APP_SERVER, true, false);
    String rid = raw.newSession();
    raw.notify(
        rid, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'oh-my-posh init'}");
    List<SessionEvent> all = raw.events(rid);
    assertEquals("oh-my-posh init", all.get(all.size() - 1).data().get("delta").asText());
  }

  @Test
  void q10RetryableErrorIsReconnectProgress() {
    n("error", "{'message':'temporary disconnect','willRetry':true,'retryCount':1,'maxRetries':5}");
    assertEquals("running", f.status(id));
    SessionEvent e = last();
    assertEquals(EventType.PROGRESS, e.type());
    assertTrue(e.pinned());
    assertEquals("codex-mcp/reconnect", e.method());
    assertEquals("retrying", e.data().get("phase").asText());
    assertTrue(e.data().get("willRetry").asBoolean());
    assertEquals("error", e.data().get("sourceMethod").asText());
    assertTrue(f.events(id, EventType.ERROR).isEmpty());
  }

  @Test
  void q11NonRetryableErrorFailsTheSession() {
    n("error", "{'message':'fatal error','willRetry':false}");
    assertEquals("error", f.status(id));
    assertEquals(1, f.events(id, EventType.ERROR).size());
    assertTrue(f.events(id, EventType.ERROR).get(0).pinned());
    assertEquals("error", f.persistence.meta(id).get("status").asText());
    assertNull(f.lastResult(id), "a non-retryable error sets no result");
  }

  @Test
  void q12ErrorWithoutWillRetryIsTerminal() {
    n("error", "{'error':{'message':'stream disconnected'}}");
    assertEquals("error", f.status(id));
  }

  @Test
  void q13ErrorMessagesAreRedacted() {
    n(
        "error",
        "{'message':'spawn /usr/local/bin/codex failed','error':{'message':'at /home/u/x/y','codexErrorInfo':'other'}}");
    ObjectNode data = (ObjectNode) f.events(id, EventType.ERROR).get(0).data();
    assertEquals("spawn <path> failed", data.get("message").asText());
    assertEquals("at <path>", data.at("/error/message").asText());
    assertEquals("other", data.at("/error/codexErrorInfo").asText());
  }

  @Test
  void q15TurnCompletedMovesToIdleWithTheTurnId() {
    n("turn/completed", "{'turn':{'id':'turn_v2','status':'completed'}}");
    assertEquals("idle", f.status(id));
    assertEquals("turn_v2", f.lastResult(id).get("turnId").asText());
    assertEquals("completed", f.lastResult(id).get("status").asText());
    assertNull(f.activeTurnId(id));
    assertEquals("idle", f.persistence.meta(id).get("status").asText());
    assertEquals(f.lastResult(id), f.persistence.result(id));
  }

  @Test
  void q16TurnCompletedWithoutIdUsesTheActiveTurn() {
    n("turn/completed", "{'turn':{'status':'completed'}}");
    assertEquals("turn_mock", f.lastResult(id).get("turnId").asText());
    assertEquals("turn_mock", f.events(id, EventType.RESULT).get(0).data().get("turnId").asText());
  }

  @Test
  void q16TopLevelTurnIdIsNotConsulted() {
    n("turn/started", "{'turn':{}}");
    n("turn/completed", "{'turnId':'top','turn':{}}");
    assertEquals("", f.lastResult(id).get("turnId").asText());
  }

  @Test
  void q17TurnCompletedPushesAPinnedResultEvent() {
    n(
        "turn/completed",
        "{'threadId':'thread_mock','turn':{'id':'t1','status':'completed','items':[]}}");
    SessionEvent e = last();
    assertEquals(EventType.RESULT, e.type());
    assertTrue(e.pinned());
    assertEquals("turn/completed", e.method());
    assertEquals("t1", e.data().get("turnId").asText());
    assertEquals("completed", e.data().get("status").asText());
  }

  @Test
  void q18TurnCompletedAfterCancelIsIgnored() {
    f.manager.cancel(id, null).join();
    n("turn/completed", "{'turn':{'id':'turn_mock','status':'interrupted'}}");
    assertEquals("cancelled", f.status(id));
    assertEquals("cancelled", f.lastResult(id).get("status").asText());
    assertTrue(
        f.events(id, EventType.RESULT).stream()
            .noneMatch(e -> "turn/completed".equals(e.method())));
  }

  @Test
  void q18LateNotificationsOfACancelledSessionAreDropped() {
    // The cancelled session no longer routes its (destroyed) backend's reports, but a report
    // racing the cancel must still be ignored by the state machine.
    Session s = f.session(id);
    f.manager.cancel(id, null).join();
    int before = f.events(id).size();
    f.manager.handleNotification(s, "turn/completed", SessionFixture.json("{'turn':{'id':'x'}}"));
    f.manager.handleNotification(s, "error", SessionFixture.json("{'message':'late'}"));
    f.manager.handleNotification(
        s, "turn/started", SessionFixture.json("{'turn':{'id':'turn_late'}}"));
    assertEquals("cancelled", f.status(id));
    assertEquals(before, f.events(id).size());
  }

  @Test
  void q19TurnStartedAfterCancelIsIgnored() {
    f.manager.cancel(id, null).join();
    Session s = f.session(id);
    f.manager.handleNotification(
        s, "turn/started", SessionFixture.json("{'turn':{'id':'turn_late'}}"));
    assertNull(f.activeTurnId(id));
  }

  @Test
  void q20TurnCompletedAfterATerminalErrorEndsIdle() {
    n("error", "{'message':'boom','willRetry':false}");
    n("turn/completed", "{'turn':{'id':'turn_mock','status':'failed','error':{'message':'boom'}}}");
    assertEquals("idle", f.status(id));
    assertEquals("failed", f.lastResult(id).get("status").asText());
    assertJson("{'message':'boom'}", f.lastResult(id).get("turnError"));
  }

  @Test
  void q21ThreadStartedWithAnotherIdReplacesTheThread() {
    n("thread/started", "{'thread':{'id':'thread_new','status':{'type':'idle'}}}");
    assertEquals("thread_new", f.threadId(id));
    assertEquals("thread_new", f.persistence.meta(id).get("threadId").asText());
    assertEquals(
        "idle", last().data().get("status").asText(), "v2 object status mapped to its type");
    n("thread/started", "{'threadId':'thread_v1'}");
    assertEquals("thread_v1", f.threadId(id));
  }

  @Test
  void q22UnknownNotificationsOnlyUpdateActivity() {
    int before = f.events(id).size();
    f.timer.advance(Duration.ofSeconds(5));
    n("thread/status/changed", "{'status':{'type':'active'}}");
    assertEquals(before, f.events(id).size());
    assertEquals("2026-02-15T10:00:05.000Z", f.lastActiveAt(id));
    ObjectNode progress = (ObjectNode) f.poll(id, null, 0).get("progress");
    assertEquals("thread/status/changed", progress.get("lastMethod").asText());
    assertEquals("2026-02-15T10:00:05.000Z", progress.get("lastEventAt").asText());
  }

  @Test
  void q23TokenUsageFillsTokensWithoutChangingLastMethod() {
    n("item/started", "{'item':{'type':'reasoning','id':'r'}}");
    n(
        "thread/tokenUsage/updated",
        "{'tokenUsage':{'total':{'inputTokens':10,'outputTokens':5,'totalTokens':15},'last':{'inputTokens':1}}}");
    SessionEvent e = last();
    assertEquals(EventType.PROGRESS, e.type());
    assertEquals("thread/tokenUsage/updated", e.method());
    ObjectNode progress = (ObjectNode) f.poll(id, null, 0).get("progress");
    assertJson("{'input':10,'output':5,'total':15}", progress.get("tokens"));
    assertEquals("item/started", progress.get("lastMethod").asText());
  }

  @Test
  void q24PlainProgressNotifications() {
    for (String m :
        List.of(
            "model/rerouted",
            "turn/diff/updated",
            "turn/plan/updated",
            "item/mcpToolCall/progress")) {
      n(m, "{'threadId':'thread_mock','x':1}");
      SessionEvent e = last();
      assertEquals(EventType.PROGRESS, e.type(), m);
      assertFalse(e.pinned());
      assertJson("{'method':'" + m + "','threadId':'thread_mock','x':1}", e.data());
    }
  }

  @Test
  void agentMessageTextIsRememberedForTheResult() {
    n("item/completed", "{'item':{'type':'agentMessage','id':'m','text':'Done.'}}");
    n("turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertEquals("Done.", f.lastResult(id).get("text").asText());
  }

  @Test
  void notificationsWithNullParamsAreTolerated() {
    f.backend(id)
        .emitNotification("turn/completed", (com.fasterxml.jackson.databind.JsonNode) null);
    assertEquals("idle", f.status(id));
    assertEquals("turn_mock", f.lastResult(id).get("turnId").asText());
  }
}
