package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.testing.FakeCodexBackend.TURN_START;
import static io.github.codexmcp.testing.Futures.failureMessage;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code codex_reply} at the manager (spec 70 group I) and override persistence (group T). */
class SessionReplyTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private SessionRequests.Reply reply(
      String id,
      String model,
      String approvalPolicy,
      String effort,
      String summary,
      String personality,
      String sandbox,
      String cwdOverride,
      ObjectNode outputSchema) {
    return new SessionRequests.Reply(
        id,
        "next",
        model,
        approvalPolicy,
        effort,
        summary,
        personality,
        sandbox,
        cwdOverride,
        outputSchema);
  }

  private CodexMcpException refused(ErrorCode code, String id) {
    CodexMcpException e = assertThrows(CodexMcpException.class, () -> f.json.reply(f.reply(id)));
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void i4UnknownSession() {
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session 'sess_x' not found",
        refused(ErrorCode.SESSION_NOT_FOUND, "sess_x").getMessage());
  }

  @Test
  void i5RunningSessionIsBusy() {
    String id = f.newSession();
    assertEquals(
        "Error [SESSION_BUSY]: Session '" + id + "' is running, expected idle or error",
        refused(ErrorCode.SESSION_BUSY, id).getMessage());
    assertEquals(1, f.backend(id).count(TURN_START), "spec 80: never steer a running turn");
  }

  @Test
  void i6WaitingSessionIsBusy() {
    String id = f.newSession();
    f.commandApproval(id, 1);
    assertEquals(
        "Error [SESSION_BUSY]: Session '" + id + "' is waiting_approval, expected idle or error",
        refused(ErrorCode.SESSION_BUSY, id).getMessage());
  }

  @Test
  void i7CancelledSessionCannotBeResumed() {
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals(
        "Error [CANCELLED]: Session '" + id + "' has been cancelled and cannot be resumed",
        refused(ErrorCode.CANCELLED, id).getMessage());
  }

  @Test
  void i8ErrorSessionAcceptsAReply() {
    String id = f.newSession();
    f.notify(id, "error", "{'message':'fatal','willRetry':false}");
    assertEquals("error", f.status(id));
    ObjectNode r = f.json.reply(f.reply(id)).join();
    assertEquals("running", f.status(id));
    assertEquals("running", r.get("status").asText());
    assertEquals(2, f.backend(id).count(TURN_START));
  }

  @Test
  void replyResponseShape() {
    String id = f.idleSession();
    ObjectNode r = f.json.reply(f.reply(id)).join();
    assertEquals(id, r.get("sessionId").asText());
    assertEquals("thread_mock", r.get("threadId").asText());
    assertEquals(120_000, r.get("pollInterval").asLong());
    assertJson("{'requested':'background','effective':'background'}", r.get("execution"));
    assertEquals("working", r.get("interactionState").asText());
    assertEquals("poll", r.get("recommendedNextAction").asText());
    assertEquals("turn_mock", r.at("/progress/activeTurnId").asText());
  }

  @Test
  void statusIsRunningBeforeTurnStartIsSent() {
    f.factory.configureNext(
        b -> b.answerOnce(TURN_START, json("{'turn':{'id':'turn_mock'}}")).hold(TURN_START));
    String id = f.idleSession();
    CompletableFuture<ObjectNode> r = f.json.reply(f.reply(id));
    assertFalse(r.isDone());
    assertEquals("running", f.status(id));
    f.backend(id).held(TURN_START).get(0).complete(json("{'turn':{'id':'turn_2'}}"));
    assertEquals("turn_2", r.join().at("/progress/activeTurnId").asText());
  }

  @Test
  void i9TurnStartFailureMovesToErrorWithAnUnpinnedEvent() {
    String id = f.idleSession();
    f.backend(id).fail(TURN_START, "app-server exited (code: 1, signal: null)");
    CompletableFuture<ObjectNode> r = f.json.reply(f.reply(id));
    assertEquals("app-server exited (code: 1, signal: null)", failureMessage(r));
    assertEquals("error", f.status(id));
    List<SessionEvent> errors = f.events(id, EventType.ERROR);
    assertEquals(1, errors.size());
    assertFalse(errors.get(0).pinned());
    assertEquals(
        "Failed to start turn: app-server exited (code: 1, signal: null)",
        errors.get(0).data().get("message").asText());
    assertEquals("error", f.persistence.meta(id).get("status").asText());
  }

  @Test
  void i9ErrorEventMessageIsRedacted() {
    String id = f.idleSession();
    f.backend(id).fail(TURN_START, "cannot open /home/alice/.codex/sessions/x.jsonl");
    f.json.reply(f.reply(id));
    assertEquals(
        "Failed to start turn: cannot open <path>",
        f.events(id, EventType.ERROR).get(0).data().get("message").asText());
  }

  @Test
  void i10ReplyDropsPreviousResultAndErrorEventsOnly() {
    String id = f.newSession();
    f.notify(id, "item/completed", "{'item':{'type':'agentMessage','id':'m','text':'hi'}}");
    f.notify(id, "error", "{'message':'fatal','willRetry':false}");
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'failed'}}");
    List<SessionEvent> before = f.events(id);
    long nextId = f.nextEventId(id);
    assertEquals(1, f.events(id, EventType.RESULT).size());
    assertEquals(1, f.events(id, EventType.ERROR).size());
    f.json.reply(f.reply(id)).join();
    List<SessionEvent> after = f.events(id);
    assertEquals(nextId, f.nextEventId(id));
    assertEquals(
        before.stream()
            .filter(e -> e.type() != EventType.RESULT && e.type() != EventType.ERROR)
            .collect(Collectors.toList()),
        after);
  }

  @Test
  void i11TurnStartContainsOnlyGivenOverrides() {
    String id = f.idleSession();
    f.json.reply(f.reply(id)).join();
    assertJson(
        "{'threadId':'thread_mock','input':[{'type':'text','text':'next'}]}",
        f.backend(id).lastParams(TURN_START));

    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    f.json.reply(reply(id, null, null, "high", "concise", "friendly", null, null, null)).join();
    assertJson(
        "{'threadId':'thread_mock','input':[{'type':'text','text':'next'}],'effort':'high','summary':'concise','personality':'friendly'}",
        f.backend(id).lastParams(TURN_START));
  }

  @Test
  void i2AllOverridesAreForwarded() throws Exception {
    Path sub = Files.createDirectory(cwd.resolve("sub"));
    String id = f.idleSession();
    ObjectNode schema =
        (ObjectNode) json("{'type':'object','properties':{'ok':{'type':'boolean'}}}");
    f.manager
        .reply(
            reply(id, "o4", "never", "xhigh", "detailed", "pragmatic", "read-only", "sub", schema))
        .join();
    JsonNode p = f.backend(id).lastParams(TURN_START);
    assertEquals("o4", p.get("model").asText());
    assertEquals("never", p.get("approvalPolicy").asText());
    assertEquals("xhigh", p.get("effort").asText());
    assertEquals("detailed", p.get("summary").asText());
    assertEquals("pragmatic", p.get("personality").asText());
    assertJson("{'type':'readOnly'}", p.get("sandboxPolicy"));
    assertFalse(p.has("sandbox"));
    assertEquals(sub.toString(), p.get("cwd").asText());
    assertEquals(schema, p.get("outputSchema"));
    assertFalse(p.has("images"));
  }

  @Test
  void i12SandboxMapping() {
    String id = f.idleSession();
    String[][] cases = {
      {"read-only", "readOnly"},
      {"workspace-write", "workspaceWrite"},
      {"danger-full-access", "dangerFullAccess"}
    };
    for (String[] c : cases) {
      f.json.reply(reply(id, null, null, null, null, null, c[0], null, null)).join();
      assertJson(
          "{'type':'" + c[1] + "'}", f.backend(id).lastParams(TURN_START).get("sandboxPolicy"));
      f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    }
  }

  @Test
  void i13RelativeCwdIsResolvedAgainstTheSessionCwd() throws Exception {
    Path sub = Files.createDirectory(cwd.resolve("sub"));
    String id = f.idleSession();
    f.json.reply(reply(id, null, null, null, null, null, null, "./sub/../sub", null)).join();
    assertEquals(sub.toString(), f.backend(id).lastParams(TURN_START).get("cwd").asText());
    assertEquals(sub.toString(), f.json.get(id, true).get("cwd").asText());
  }

  @Test
  void i13MissingCwdIsInvalidAndLeavesTheSessionIdle() {
    String id = f.idleSession();
    CodexMcpException e =
        assertThrows(
            CodexMcpException.class,
            () -> f.json.reply(reply(id, null, null, null, null, null, null, "nope", null)));
    assertEquals(
        "Error [INVALID_ARGUMENT]: cwd does not exist: " + cwd.resolve("nope"), e.getMessage());
    assertEquals("idle", f.status(id));
    assertEquals(1, f.backend(id).count(TURN_START));
    assertEquals(
        1, f.events(id, EventType.RESULT).size(), "a refused reply does not clear the result");
  }

  @Test
  void i14TurnsWithoutOverrideSupportPersistOnlyModelAndPolicy() throws Exception {
    Files.createDirectory(cwd.resolve("sub"));
    f.factory.configureNext(b -> b.supportsTurnOverrides(false));
    String id = f.idleSession();
    f.manager
        .reply(reply(id, "o4", "never", null, null, null, "danger-full-access", "sub", null))
        .join();
    ObjectNode info = f.json.get(id, true);
    assertEquals("o4", info.get("model").asText());
    assertEquals("never", info.get("approvalPolicy").asText());
    assertEquals("workspace-write", info.get("sandbox").asText());
    assertEquals(cwd.toString(), info.get("cwd").asText());
  }

  /** After a restart a session is continued: its thread resumed in a new client, then the turn. */
  @Test
  void i16RecoveredSessionIsContinuedOnItsThreadInANewClient() {
    String id = f.recovered("sess_rec-1", "idle", "thread_old", null, List.of());
    f.json.reply(f.reply(id)).join();
    FakeCodexBackend b = f.factory.forSession(id);
    assertEquals(
        List.of(
            FakeCodexBackend.START, FakeCodexBackend.THREAD_RESUME, FakeCodexBackend.TURN_START),
        b.calls().stream().map(FakeCodexBackend.Call::method).toList());
    assertEquals(
        "thread_old",
        b.calls(FakeCodexBackend.THREAD_RESUME).get(0).params().path("threadId").asText());
    assertEquals(
        "thread_old",
        b.calls(FakeCodexBackend.TURN_START).get(0).params().path("threadId").asText());
    assertEquals("running", f.status(id));
    assertSame(b, f.backend(id));
  }

  @Test
  void i16ASessionAnotherServerDrivesIsRefusedAsBusy() {
    String id = f.recovered("sess_rec-3", "idle", "thread_old", null, List.of());
    f.persistence.drivenElsewhere.add(id);
    CodexMcpException e = refused(ErrorCode.SESSION_BUSY, id);
    assertTrue(e.getMessage().contains("driven by another codex-mcp server"), e.getMessage());
    assertTrue(f.factory.created().isEmpty(), "no Codex client started");
  }

  @Test
  void i16AFailedResumeLeavesTheSessionClientlessAndIsReported() {
    String id = f.recovered("sess_rec-4", "idle", "thread_gone", null, List.of());
    f.factory.configureNext(
        b -> b.fail(FakeCodexBackend.THREAD_RESUME, "no rollout found for thread id thread_gone"));
    Throwable t = io.github.codexmcp.testing.Futures.failure(f.json.reply(f.reply(id)));
    assertTrue(t.getMessage().contains("THREAD_FORK_RESUME_FAILED"), t.getMessage());
    assertTrue(t.getMessage().contains("no rollout found"), t.getMessage());
    assertEquals("idle", f.status(id));
    assertTrue(f.factory.last().isDestroyed());
    f.json.reply(f.reply(id)).join(); // the next reply tries again with a new client
    assertEquals(2, f.factory.created().size());
    assertEquals("running", f.status(id));
  }

  @Test
  void i16ExecModeHasNoThreadToResumeAfterARestart() {
    SessionFixture exec = new SessionFixture(cwd, BackendMode.EXEC, true, true);
    String id = exec.recovered("sess_rec-5", "idle", "thread_old", null, List.of());
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> exec.json.reply(exec.reply(id)));
    assertEquals("Error [SESSION_NOT_FOUND]: No client for session 'sess_rec-5'", e.getMessage());
  }

  @Test
  void i16RecoveredSessionWithoutThreadCannotReply() {
    String id = f.recovered("sess_rec-2", "error", null, null, List.of());
    assertEquals(
        "Error [INTERNAL]: Session 'sess_rec-2' has no threadId, cannot reply",
        refused(ErrorCode.INTERNAL, id).getMessage());
  }

  @Test
  void childDiedWhileIdleIsDiscoveredByTheNextReply() {
    String id = f.idleSession();
    f.backend(id).emitExit(1, null);
    assertEquals("idle", f.status(id));
    f.backend(id).fail(TURN_START, "app-server exited (code: 1, signal: null)");
    Throwable t = io.github.codexmcp.testing.Futures.failure(f.json.reply(f.reply(id)));
    assertEquals(
        "Error [INTERNAL]: app-server exited (code: 1, signal: null)", ErrorMessages.format(t));
    assertEquals("error", f.status(id));
  }

  @Test
  void replyRefreshesLastActiveAt() {
    String id = f.idleSession();
    f.timer.advance(Duration.ofMinutes(3));
    f.json.reply(f.reply(id)).join();
    assertEquals("2026-02-15T10:03:00.000Z", f.lastActiveAt(id));
  }

  @Test
  void onFailureOverrideIsSentAsOnRequest() {
    String id = f.idleSession();
    ObjectNode r =
        f.json.reply(reply(id, null, "on-failure", null, null, null, null, null, null)).join();
    assertEquals("on-request", f.backend(id).lastParams(TURN_START).get("approvalPolicy").asText());
    assertEquals(SessionManager.ON_FAILURE_WARNING, r.get("compatWarnings").get(0).asText());
    assertEquals("on-failure", f.json.get(id, false).get("approvalPolicy").asText());
  }

  @Test
  void replyEffortFallbackAppliesToo() {
    String id = f.idleSession();
    f.backend(id).failOnce(TURN_START, "minimal reasoning effort cannot be used with web_search");
    ObjectNode r =
        f.json.reply(reply(id, null, null, "minimal", null, null, null, null, null)).join();
    assertEquals(SessionManager.EFFORT_FALLBACK_WARNING, r.get("compatWarnings").get(0).asText());
    assertEquals("low", f.backend(id).lastParams(TURN_START).get("effort").asText());
  }

  // ------------------------------------------------------------------ T

  @Test
  void t1OverridesArePersistedOnTheSession() {
    Path tmp = cwd.getParent();
    String id = f.idleSession();
    f.manager
        .reply(
            reply(id, "o4", "never", null, null, null, "danger-full-access", tmp.toString(), null))
        .join();
    ObjectNode info = f.json.get(id, true);
    assertEquals("o4", info.get("model").asText());
    assertEquals("never", info.get("approvalPolicy").asText());
    assertEquals("danger-full-access", info.get("sandbox").asText());
    assertEquals(tmp.toString(), info.get("cwd").asText());
    JsonNode p = f.backend(id).lastParams(TURN_START);
    assertEquals("o4", p.get("model").asText());
    assertEquals("never", p.get("approvalPolicy").asText());
    assertEquals(tmp.toString(), p.get("cwd").asText());
    assertJson("{'type':'dangerFullAccess'}", p.get("sandboxPolicy"));
    ObjectNode meta = f.persistence.meta(id);
    assertEquals("o4", meta.get("model").asText());
    assertEquals("danger-full-access", meta.get("sandbox").asText());
  }

  @Test
  void t2TurnOnlyOverridesAreNotStored() {
    String id = f.idleSession();
    ObjectNode before = f.json.get(id, true);
    f.manager
        .reply(
            reply(
                id,
                null,
                null,
                "high",
                "concise",
                "friendly",
                null,
                null,
                (ObjectNode) json("{'type':'object'}")))
        .join();
    ObjectNode after = f.json.get(id, true);
    after.remove("status");
    after.remove("lastActiveAt");
    before.remove("status");
    before.remove("lastActiveAt");
    assertEquals(before, after);
    String meta = f.persistence.meta(id).toString();
    assertFalse(
        meta.contains("concise") || meta.contains("friendly") || meta.contains("high"), meta);
  }

  @Test
  void t3FailedTurnStartDoesNotPersistOverrides() {
    String id = f.idleSession();
    f.backend(id).fail(TURN_START, "refused");
    f.json.reply(
        reply(id, "o4", "never", null, null, null, "read-only", cwd.getParent().toString(), null));
    ObjectNode info = f.json.get(id, true);
    assertTrue(info.path("model").isMissingNode());
    assertEquals("on-request", info.get("approvalPolicy").asText());
    assertEquals("workspace-write", info.get("sandbox").asText());
    assertEquals(cwd.toString(), info.get("cwd").asText());
    assertEquals("error", info.get("status").asText());
  }
}
