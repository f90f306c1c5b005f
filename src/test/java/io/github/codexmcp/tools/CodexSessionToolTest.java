package io.github.codexmcp.tools;

import static io.github.codexmcp.testing.FakeCodexBackend.CLEAN;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.session.SessionFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code codex_session} tool (spec 70 group J). */
class CodexSessionToolTest {
  @TempDir Path cwd;
  SessionFixture f;
  ToolHarness t;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    t = new ToolHarness(f, cwd);
  }

  private ToolHarness.Result call(String args) {
    return t.call(t.session, args);
  }

  private ToolHarness.Result action(String action, String id) {
    return call("{'action':'" + action + "','sessionId':'" + id + "'}");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void j1ListsSessionsInCreationOrder() {
    String a = f.newSession();
    f.timer.advanceMillis(10);
    String b = f.idleSession();
    ObjectNode r = call("{'action':'list'}").ok();
    JsonNode sessions = r.get("sessions");
    assertEquals(2, sessions.size());
    assertEquals(a, sessions.get(0).get("sessionId").asText());
    assertEquals(b, sessions.get(1).get("sessionId").asText());
    assertEquals("running", sessions.get(0).get("status").asText());
    assertEquals("idle", sessions.get(1).get("status").asText());
    assertEquals(0, sessions.get(0).get("pendingRequestCount").asInt());
    assertFalse(sessions.get(0).has("threadId"));
  }

  @Test
  void j1EmptyList() {
    assertJson("{'sessions':[]}", call("{'action':'list'}").ok());
  }

  @Test
  void j2MissingSessionIdIsAReturnedError() {
    for (String action :
        List.of("get", "cancel", "interrupt", "fork", "clean_background_terminals")) {
      ToolHarness.Result r = call("{'action':'" + action + "'}");
      assertEquals(
          "Error [INVALID_ARGUMENT]: sessionId required for '" + action + "'", r.returnedError());
    }
    assertEquals(
        "Error [INVALID_ARGUMENT]: sessionId required for 'get'",
        call("{'action':'get','sessionId':''}").returnedError());
  }

  @Test
  void j3Delegation() {
    String id = f.newSession();
    ObjectNode got = call("{'action':'get','sessionId':'" + id + "','includeSensitive':true}").ok();
    assertEquals("thread_mock", got.get("threadId").asText());
    assertJson(
        "{'success':true,'message':'Session " + id + " interrupted'}",
        action("interrupt", id).ok());
    assertJson(
        "{'success':true,'message':'Background terminals cleaned for session " + id + "'}",
        action("clean_background_terminals", id).ok());
    ObjectNode fork = action("fork", id).ok();
    assertEquals("thread_forked", fork.get("threadId").asText());
    assertEquals("idle", fork.get("status").asText());
    assertEquals(120_000, fork.get("pollInterval").asLong());
    assertJson(
        "{'success':true,'message':'Session " + id + " cancelled'}", action("cancel", id).ok());
  }

  @Test
  void j4GetUnknownIsThrownPlainText() {
    ToolHarness.Result r = action("get", "sess_nope");
    assertEquals("Error [SESSION_NOT_FOUND]: Session 'sess_nope' not found", r.thrownText());
  }

  @Test
  void j5SensitiveFieldsOnlyOnRequest() {
    SessionFixture.Create c = f.create();
    c.profile = "work";
    c.config = (ObjectNode) ToolHarness.json("{'a':true}");
    c.model = "o4";
    String id = c.id();
    ObjectNode pub = action("get", id).ok();
    for (String k : List.of("threadId", "cwd", "profile", "config")) {
      assertFalse(pub.has(k), k);
    }
    assertEquals("o4", pub.get("model").asText());
    ObjectNode sens =
        call("{'action':'get','sessionId':'" + id + "','includeSensitive':true}").ok();
    assertEquals("thread_mock", sens.get("threadId").asText());
    assertEquals(cwd.toString(), sens.get("cwd").asText());
    assertEquals("work", sens.get("profile").asText());
    assertJson("{'a':true}", sens.get("config"));
    assertEquals(
        List.of(
            "sessionId",
            "status",
            "createdAt",
            "lastActiveAt",
            "model",
            "approvalPolicy",
            "sandbox",
            "pendingRequestCount",
            "description",
            "usage"),
        fieldNames(pub));
    assertEquals("hello", pub.get("description").asText(), "the first prompt");
    assertJson(
        "{'turns':0,'inputTokens':0,'cachedInputTokens':0,'outputTokens':0,"
            + "'reasoningOutputTokens':0}",
        pub.get("usage"));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void j6CancelTwice() {
    String id = f.newSession();
    action("cancel", id).ok();
    action("cancel", id).ok();
    assertEquals("cancelled", f.status(id));
    ObjectNode info = action("get", id).ok();
    assertEquals("Cancelled by user", info.get("cancelledReason").asText());
    assertTrue(info.has("cancelledAt"));
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session 'sess_x' not found",
        action("cancel", "sess_x").thrownText());
  }

  /** running, idle, error, cancelled, waiting_approval sessions. */
  private String[] mix() {
    String running = f.newSession();
    String idle = f.idleSession();
    String error = f.newSession();
    f.notify(error, "error", "{'message':'x'}");
    String cancelled = f.newSession();
    f.manager.cancel(cancelled, null).join();
    String waiting = f.newSession();
    f.commandApproval(waiting, 1);
    return new String[] {running, idle, error, cancelled, waiting};
  }

  @Test
  void j7CleanDefaultsRemoveFinishedSessions() {
    String[] s = mix();
    ObjectNode r = call("{'action':'clean'}").ok();
    assertEquals(List.of(s[1], s[2], s[3]), texts(r.get("matchedSessionIds")));
    assertEquals(List.of(s[1], s[2], s[3]), texts(r.get("removedSessionIds")));
    assertEquals(3, r.get("removedCount").asInt());
    assertEquals(3, r.get("diskSessionsRemoved").asInt());
    assertFalse(r.get("dryRun").asBoolean());
    assertTrue(f.exists(s[0]));
    assertTrue(f.exists(s[4]));
    assertFalse(f.exists(s[1]));
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session '" + s[1] + "' not found",
        action("get", s[1]).thrownText());
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session '" + s[2] + "' not found",
        t.call(t.check, "{'action':'poll','sessionId':'" + s[2] + "'}").thrownText());
  }

  @Test
  void j8DryRunRemovesNothing() {
    String[] s = mix();
    ObjectNode r = call("{'action':'clean','dryRun':true}").ok();
    assertEquals(List.of(s[1], s[2], s[3]), texts(r.get("matchedSessionIds")));
    assertEquals(0, r.get("removedSessionIds").size());
    assertEquals(0, r.get("removedCount").asInt());
    assertEquals(0, r.get("diskSessionsRemoved").asInt());
    assertTrue(r.get("dryRun").asBoolean());
    assertEquals(5, f.manager.totalSessionCount());
  }

  @Test
  void j9OlderThanExcludesRecentlyActiveSessions() {
    String old = f.idleSession();
    f.timer.advance(Duration.ofMinutes(10));
    String recent = f.idleSession();
    ObjectNode r = call("{'action':'clean','olderThanMs':300000}").ok();
    assertEquals(List.of(old), texts(r.get("removedSessionIds")));
    assertTrue(f.exists(recent));
    assertEquals(
        List.of(recent),
        texts(call("{'action':'clean','olderThanMs':0}").ok().get("removedSessionIds")));
  }

  @Test
  void j10IncludeDiskFalseKeepsDirectories() {
    String id = f.idleSession();
    ObjectNode r = call("{'action':'clean','includeDisk':false}").ok();
    assertEquals(1, r.get("removedCount").asInt());
    assertEquals(0, r.get("diskSessionsRemoved").asInt());
    assertTrue(f.persistence.hasDirectory(id));
    assertFalse(f.exists(id));
  }

  @Test
  void j11StatusFilter() {
    String[] s = mix();
    ObjectNode r = call("{'action':'clean','statuses':['cancelled']}").ok();
    assertEquals(List.of(s[3]), texts(r.get("removedSessionIds")));
    assertTrue(f.exists(s[1]));
    assertTrue(f.exists(s[2]));
  }

  @Test
  void j12CleanWithoutPersistence() {
    SessionFixture nop = new SessionFixture(cwd, BackendMode.APP_SERVER, false, true);
    ToolHarness h = new ToolHarness(nop, cwd);
    nop.idleSession();
    ObjectNode r = h.call(h.session, "{'action':'clean'}").ok();
    assertEquals(1, r.get("removedCount").asInt());
    assertEquals(0, r.get("diskSessionsRemoved").asInt());
  }

  @Test
  void j13ForkInExecMode() {
    SessionFixture exec = new SessionFixture(cwd, BackendMode.EXEC, true, true);
    ToolHarness h = new ToolHarness(exec, cwd);
    String id = exec.idleSession();
    assertEquals(
        "Error [EXEC_NOT_SUPPORTED]: threadFork is not supported in exec mode",
        h.call(h.session, "{'action':'fork','sessionId':'" + id + "'}").thrownText());
  }

  @Test
  void j14CleanTerminalsOnACancelledSession() {
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals(
        "Error [CANCELLED]: Session '" + id + "' has been cancelled and cannot be cleaned",
        action("clean_background_terminals", id).thrownText());
  }

  @Test
  void j15CleanTerminalsSendsTheThreadAndPushesAPinnedEvent() {
    String id = f.idleSession();
    f.timer.advanceMillis(2_000);
    action("clean_background_terminals", id).ok();
    assertJson("{'threadId':'thread_mock'}", f.backend(id).lastParams(CLEAN));
    List<SessionEvent> events = f.events(id);
    SessionEvent e = events.get(events.size() - 1);
    assertEquals(EventType.PROGRESS, e.type());
    assertTrue(e.pinned());
    assertJson(
        "{'method':'thread/backgroundTerminals/clean','threadId':'thread_mock','status':'requested'}",
        e.data());
    assertEquals("2026-02-15T10:00:02.000Z", f.lastActiveAt(id));
    assertEquals("idle", f.status(id));
  }

  @Test
  void j16CleanTerminalsRpcError() {
    String id = f.idleSession();
    f.backend(id)
        .fail(
            CLEAN,
            "RPC error -32600: thread/backgroundTerminals/clean requires experimentalApi capability");
    assertEquals(
        "Error [INTERNAL]: RPC error -32600: thread/backgroundTerminals/clean requires experimentalApi capability",
        action("clean_background_terminals", id).thrownText());
  }

  @Test
  void j17InterruptOnACancelledSession() {
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals(
        "Error [SESSION_NOT_RUNNING]: Cannot interrupt session in cancelled state",
        action("interrupt", id).thrownText());
  }

  @Test
  void j18ForkOnACancelledSession() {
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals(
        "Error [CANCELLED]: Session '" + id + "' has been cancelled and cannot be forked",
        action("fork", id).thrownText());
  }

  @Test
  void forkFailureViaTheTool() {
    String id = f.idleSession();
    f.factory.configureNext(
        b -> b.fail(io.github.codexmcp.testing.FakeCodexBackend.THREAD_FORK, "no rollout"));
    assertEquals(
        "Error [THREAD_FORK_RESUME_FAILED]: Failed to resume forked thread 'thread_mock' in new app-server process: no rollout",
        action("fork", id).thrownText());
  }

  @Test
  void damagedRecoveredSessionsAreListedWithWhatWasDamaged() {
    List<String> damage =
        List.of("meta.json empty: rebuilt from events.jsonl (status idle); unknown: model");
    String id = f.recovered("sess_rec-2", "idle", "thread_old", null, List.of(), damage);
    String whole = f.recovered("sess_rec-3", "idle", "thread_old", null, List.of());
    ObjectNode list = call("{'action':'list'}").ok();
    for (JsonNode s : list.get("sessions")) {
      if (s.get("sessionId").asText().equals(id)) {
        assertJson("['" + damage.get(0) + "']", s.get("damaged"));
      } else {
        assertEquals(whole, s.get("sessionId").asText());
        assertFalse(s.has("damaged"), s.toString());
      }
    }
    assertJson("['" + damage.get(0) + "']", action("get", id).ok().get("damaged"));
  }

  @Test
  void recoveredSessionsAreListedAndForkedOnANewClient() {
    String id =
        f.recovered(
            "sess_rec-1",
            "idle",
            "thread_old",
            (ObjectNode)
                ToolHarness.json(
                    "{'turnId':'t','text':'hi','completedAt':'2026-02-15T09:00:00.000Z'}"),
            List.of());
    assertEquals(1, call("{'action':'list'}").ok().get("sessions").size());
    assertEquals("thread_forked", action("fork", id).ok().path("threadId").asText());
    assertEquals(
        "hi",
        t.call(t.check, "{'action':'poll','sessionId':'" + id + "'}")
            .ok()
            .at("/result/text")
            .asText());
    action("cancel", id).ok();
    assertEquals("cancelled", f.status(id));
  }

  @Test
  void missingActionIsAReturnedErrorNotAnException() {
    // Only reachable when schema validation is bypassed; a handler must never throw.
    assertEquals("Error [INVALID_ARGUMENT]: Unknown action 'null'", call("{}").returnedError());
    assertEquals(
        "Error [INVALID_ARGUMENT]: Unknown action 'null'",
        call("{'sessionId':'s'}").returnedError());
  }

  @Test
  void unknownActionIsAReturnedError() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: Unknown action 'explode'",
        call("{'action':'explode'}").returnedError());
    assertFalse(ToolHarness.inputIssues(t.session, "{'action':'explode'}").isEmpty());
  }

  @Test
  void inputSchema() {
    assertFalse(
        ToolHarness.inputIssues(t.session, "{'action':'clean','statuses':['running']}").isEmpty());
    assertFalse(
        ToolHarness.inputIssues(t.session, "{'action':'clean','olderThanMs':-1}").isEmpty());
    assertTrue(ToolHarness.inputIssues(t.session, "{'action':'list','dryRun':true}").isEmpty());
  }
}
