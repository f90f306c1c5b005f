package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.NotificationMapper.MappedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationMapperTest {

  private static MappedEvent map(String method, String params) {
    return NotificationMapper.map(method, json(params)).orElseThrow();
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void agentMessageItemIsOutputAndCommandItemIsProgress() {
    MappedEvent agent =
        map(
            "item/completed",
            "{'threadId':'th','item':{'type':'agentMessage','id':'m','text':'Done.'}}");
    assertEquals(EventType.OUTPUT, agent.type());
    assertFalse(agent.pinned());
    assertEquals(
        json(
            "{'method':'item/completed','threadId':'th',"
                + "'item':{'type':'agentMessage','id':'m','text':'Done.'}}"),
        agent.data());
    MappedEvent command =
        map("item/completed", "{'item':{'type':'commandExecution','id':'c','status':'completed'}}");
    assertEquals(EventType.PROGRESS, command.type());
    assertEquals("completed", command.data().get("status").asText());
  }

  @Test
  void userMessageItemStartedIsOutput() {
    assertEquals(EventType.OUTPUT, map("item/started", "{'item':{'type':'userMessage'}}").type());
    assertEquals(
        EventType.PROGRESS,
        map("rawResponseItem/completed", "{'item':{'type':'reasoning'}}").type());
  }

  @Test
  void itemStatusOverrideRemovesNonStringStatus() {
    MappedEvent e =
        map("item/started", "{'status':'x','item':{'type':'fileChange','status':{'a':1}}}");
    assertFalse(e.data().has("status"));
    assertEquals(EventType.PROGRESS, map("item/started", "{}").type());
  }

  @Test
  void agentMessageDeltaHasExactlyMethodDeltaItemId() {
    MappedEvent e =
        map(
            "item/agentMessage/delta",
            "{'threadId':'th','turnId':'t','itemId':'m1','delta':'Hel'}");
    assertEquals(EventType.OUTPUT, e.type());
    assertEquals(
        json("{'method':'item/agentMessage/delta','delta':'Hel','itemId':'m1'}"), e.data());
    assertEquals(List.of("method", "delta", "itemId"), keys(e.data()));
    assertEquals(
        json("{'method':'item/agentMessage/delta'}"),
        map("item/agentMessage/delta", "{'turnId':'t'}").data());
  }

  /** The session manager's shortcut for deltas must produce what the general mapping does. */
  @Test
  void agentMessageDeltaShortcutMatchesTheGeneralMapping() {
    for (String params :
        List.of("{'itemId':'m1','delta':'Hel'}", "{}", "{'delta':3}", "[1]", "null")) {
      JsonNode p = io.github.codexmcp.util.Json.parse(params.replace('\'', '"'));
      for (boolean cancelled : List.of(false, true)) {
        MappedEvent e =
            NotificationMapper.map(NotificationMapper.AGENT_MESSAGE_DELTA, p, cancelled, null)
                .orElseThrow();
        assertEquals(EventType.OUTPUT, e.type());
        assertFalse(e.pinned());
        assertEquals(e.data(), NotificationMapper.agentMessageDelta(p), params);
        assertEquals(keys(e.data()), keys(NotificationMapper.agentMessageDelta(p)));
      }
    }
    assertEquals(
        json("{'method':'item/agentMessage/delta'}"), NotificationMapper.agentMessageDelta(null));
  }

  @Test
  void retryableErrorBecomesPinnedReconnectProgress() {
    MappedEvent e =
        map(
            "error",
            "{'message':'temporary disconnect','willRetry':true,'retryCount':1,'maxRetries':5}");
    assertEquals(EventType.PROGRESS, e.type());
    assertTrue(e.pinned());
    ObjectNode d = e.data();
    assertEquals(
        List.of(
            "method", "message", "willRetry", "retryCount", "maxRetries", "sourceMethod", "phase"),
        keys(d));
    assertEquals("codex-mcp/reconnect", d.get("method").asText());
    assertEquals("error", d.get("sourceMethod").asText());
    assertEquals("retrying", d.get("phase").asText());
    assertTrue(d.get("willRetry").asBoolean());
    assertEquals(1, d.get("retryCount").asInt());
  }

  @Test
  void nonRetryableErrorIsPinnedError() {
    MappedEvent e = map("error", "{'message':'fatal error','willRetry':false}");
    assertEquals(EventType.ERROR, e.type());
    assertTrue(e.pinned());
    assertEquals(json("{'method':'error','message':'fatal error','willRetry':false}"), e.data());
  }

  @Test
  void missingOrFalsyWillRetryIsTerminal() {
    assertEquals(EventType.ERROR, map("error", "{'message':'x'}").type());
    assertEquals(EventType.ERROR, map("error", "{'willRetry':0}").type());
    assertEquals(EventType.ERROR, map("error", "{'willRetry':''}").type());
    assertEquals(EventType.ERROR, map("error", "{'willRetry':null}").type());
    assertEquals(EventType.PROGRESS, map("error", "{'willRetry':1}").type());
    assertEquals(EventType.PROGRESS, map("error", "{'willRetry':'yes'}").type());
    assertEquals(EventType.PROGRESS, map("error", "{'willRetry':{}}").type());
  }

  @Test
  void errorTextIsPathRedacted() {
    MappedEvent e = map("error", "{'message':'spawn /usr/local/bin/codex failed'}");
    assertEquals("spawn <path> failed", e.data().get("message").asText());
    MappedEvent s = map("error", "{'error':'cannot open /home/me/x.txt'}");
    assertEquals("cannot open <path>", s.data().get("error").asText());
    ObjectNode params =
        json(
            "{'error':{'message':'read /etc/codex/config.toml','codexErrorInfo':'other'},"
                + "'willRetry':true}");
    MappedEvent o = NotificationMapper.map("error", params).orElseThrow();
    assertEquals("read <path>", o.data().get("error").get("message").asText());
    assertEquals("other", o.data().get("error").get("codexErrorInfo").asText());
    assertEquals(
        "read /etc/codex/config.toml",
        params.get("error").get("message").asText(),
        "params are not modified");
  }

  @Test
  void turnCompletedIsPinnedResultWithTurnIdAndStatus() {
    MappedEvent e =
        map("turn/completed", "{'threadId':'th','turn':{'id':'turn_v2','status':'completed'}}");
    assertEquals(EventType.RESULT, e.type());
    assertTrue(e.pinned());
    assertEquals("turn/completed", e.data().get("method").asText());
    assertEquals("turn_v2", e.data().get("turnId").asText());
    assertEquals("completed", e.data().get("status").asText());
  }

  @Test
  void turnCompletedWithoutTurnIdFallsBackToActiveTurn() {
    ObjectNode params = json("{'turn':{'status':'failed'},'turnId':'ignored'}");
    assertEquals(
        "turn_mock",
        NotificationMapper.map("turn/completed", params, false, "turn_mock")
            .orElseThrow()
            .data()
            .get("turnId")
            .asText());
    assertEquals(
        "",
        NotificationMapper.map("turn/completed", params, false, null)
            .orElseThrow()
            .data()
            .get("turnId")
            .asText());
  }

  @Test
  void turnStartedCarriesTurnIdAndStatus() {
    MappedEvent e = map("turn/started", "{'turn':{'id':'turn_v2_started','status':'inProgress'}}");
    assertEquals(EventType.PROGRESS, e.type());
    assertFalse(e.pinned());
    assertEquals("turn_v2_started", e.data().get("turnId").asText());
    assertEquals("inProgress", e.data().get("status").asText());
    MappedEvent bare = map("turn/started", "{'turnId':7}");
    assertFalse(bare.data().has("turnId"), "undefined override removes the key");
  }

  @Test
  void cancelledSessionsDropTurnAndErrorNotificationsOnly() {
    ObjectNode p = json("{'turn':{'id':'t'}}");
    assertEquals(Optional.empty(), NotificationMapper.map("turn/started", p, true, null));
    assertEquals(Optional.empty(), NotificationMapper.map("turn/completed", p, true, null));
    assertEquals(
        Optional.empty(), NotificationMapper.map("error", json("{'willRetry':true}"), true, null));
    assertTrue(
        NotificationMapper.map("item/completed", json("{'item':{}}"), true, null).isPresent());
  }

  @Test
  void threadStartedExtractsThreadIdAndStatus() {
    MappedEvent a = map("thread/started", "{'thread':{'id':'th_1','status':'idle'}}");
    assertEquals("th_1", a.data().get("threadId").asText());
    assertEquals("idle", a.data().get("status").asText());
    MappedEvent b =
        map(
            "thread/started",
            "{'threadId':'th_top','thread':{'id':'th_1','status':{'type':'active'}}}");
    assertEquals("th_top", b.data().get("threadId").asText());
    assertEquals("active", b.data().get("status").asText());
    MappedEvent c = map("thread/started", "{'thread':{'id':5,'status':3}}");
    assertFalse(c.data().has("threadId"));
    assertFalse(c.data().has("status"));
    assertEquals(EventType.PROGRESS, c.type());
  }

  @Test
  void plainProgressMethodsSpreadParams() {
    String[] methods = {
      "thread/archived",
      "thread/unarchived",
      "thread/name/updated",
      "thread/tokenUsage/updated",
      "fuzzyFileSearch/sessionUpdated",
      "fuzzyFileSearch/sessionCompleted",
      "windows/worldWritableWarning",
      "account/login/completed",
      "item/commandExecution/terminalInteraction",
      "item/fileChange/outputDelta",
      "item/reasoning/textDelta",
      "item/reasoning/summaryTextDelta",
      "item/reasoning/summaryPartAdded",
      "item/plan/delta",
      "item/mcpToolCall/progress",
      "turn/diff/updated",
      "turn/plan/updated",
      "model/rerouted",
      "warning",
      "configWarning",
      "deprecationNotice",
      "guardianWarning",
    };
    for (String m : methods) {
      MappedEvent e = map(m, "{'threadId':'th','x':[1,2]}");
      assertEquals(EventType.PROGRESS, e.type(), m);
      assertFalse(e.pinned(), m);
      assertEquals(json("{'method':'" + m + "','threadId':'th','x':[1,2]}"), e.data(), m);
    }
  }

  @Test
  void codexWarningsReadAsOneLine() {
    assertEquals(
        "model is slow",
        NotificationMapper.warningText("warning", json("{'message':'model is slow'}")));
    assertEquals(
        "guardian says no",
        NotificationMapper.warningText(
            "guardianWarning", json("{'message':'guardian says no','threadId':'t'}")));
    assertEquals(
        "unknown key (/h/.codex/config.toml): foo is ignored",
        NotificationMapper.warningText(
            "configWarning",
            json(
                "{'summary':'unknown key','path':'/h/.codex/config.toml','details':'foo is ignored'}")));
    assertEquals(
        "profiles moved",
        NotificationMapper.warningText(
            "deprecationNotice", json("{'summary':'profiles moved','details':null}")));
    assertNull(NotificationMapper.warningText("turn/started", json("{'message':'x'}")));
    assertNull(NotificationMapper.warningText("warning", json("{'message':''}")));
  }

  @Test
  void commandOutputDeltaIsProgressLeftForTheRingToFilter() {
    MappedEvent e =
        map("item/commandExecution/outputDelta", "{'itemId':'c','delta':'oh-my-posh\\nok'}");
    assertEquals(EventType.PROGRESS, e.type());
    assertEquals("oh-my-posh\nok", e.data().get("delta").asText());
    MappedEvent nonString = map("item/commandExecution/outputDelta", "{'itemId':'c','delta':[1]}");
    assertTrue(nonString.data().get("delta").isArray());
  }

  @Test
  void unknownMethodsProduceNoEvent() {
    for (String m :
        new String[] {"sessionConfigured", "thread/status/changed", "account/updated", "x/y"}) {
      assertEquals(Optional.empty(), NotificationMapper.map(m, json("{}")), m);
    }
    assertEquals(Optional.empty(), NotificationMapper.map(null, json("{}")));
  }

  @Test
  void missingParamsCountAsEmptyAndMethodKeyKeepsFirstPosition() {
    assertEquals(
        json("{'method':'turn/diff/updated'}"),
        NotificationMapper.map("turn/diff/updated", null).orElseThrow().data());
    MappedEvent e = map("turn/diff/updated", "{'a':1,'method':'spoof'}");
    assertEquals(List.of("method", "a"), keys(e.data()));
    assertEquals("spoof", e.data().get("method").asText());
  }
}
