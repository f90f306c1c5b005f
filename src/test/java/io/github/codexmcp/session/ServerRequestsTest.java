package io.github.codexmcp.session;

import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.testing.FakeCodexBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server requests answered at once, and requests reaching terminal sessions (spec 70 group P). */
class ServerRequestsTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private FakeCodexBackend b() {
    return f.backend(id);
  }

  private void assertNothingParked() {
    assertTrue(f.pendingRequestIds(id).isEmpty());
    assertFalse(f.poll(id, null, 0).has("actions"));
    assertEquals(0, f.timer.pending());
  }

  @Test
  void p1DynamicToolCallIsRefused() {
    f.request(id, 1, "item/tool/call", "{'callId':'c','tool':'mytool','arguments':{}}");
    assertJson(
        "{'success':false,'contentItems':[{'type':'inputText','text':'Not supported by codex-mcp'}]}",
        b().answerFor(1).result());
    assertEquals("running", f.status(id));
    assertNothingParked();
  }

  @Test
  void p2AuthRefreshWhileRunning() {
    f.request(id, 2, "account/chatgptAuthTokens/refresh", "{'reason':'unauthorized'}");
    FakeCodexBackend.Answer a = b().answerFor(2);
    assertEquals(-32000, a.code());
    assertEquals(
        "account/chatgptAuthTokens/refresh unsupported: codex-mcp does not manage external ChatGPT auth tokens",
        a.message());
    assertNothingParked();
  }

  @Test
  void p4LegacyApprovalsAreAborted() {
    f.request(id, 3, "applyPatchApproval", "{'conversationId':'c','callId':'x'}");
    f.request(id, 4, "execCommandApproval", "{'conversationId':'c','callId':'y'}");
    // spec 80 §3: "denied" is not valid on 0.169; abort is.
    assertJson("{'decision':'abort'}", b().answerFor(3).result());
    assertJson("{'decision':'abort'}", b().answerFor(4).result());
    assertNothingParked();
  }

  @Test
  void p5UnknownRequestGetsMethodNotFound() {
    f.request(id, 5, "foo/bar", "{}");
    FakeCodexBackend.Answer a = b().answerFor(5);
    assertEquals(-32601, a.code());
    assertEquals("Unhandled server request: foo/bar", a.message());
    assertNothingParked();
  }

  @Test
  void newUnhandledRequestsAreAnsweredWithAnError() {
    f.request(id, 6, "attestation/generate", "{}");
    f.request(id, 7, "currentTime/read", "{}");
    f.request(id, 8, "attestation/generate", "{}");
    assertEquals(-32601, b().answerFor(6).code());
    assertEquals(-32601, b().answerFor(7).code());
    assertEquals(-32601, b().answerFor(8).code());
    assertEquals("running", f.status(id));
  }

  @Test
  void stringIdsAreAnsweredWithTheSameId() {
    f.request(id, "abc", "foo/bar", "{}");
    assertEquals("abc", b().answerFor("abc").id().asText());
    assertTrue(b().answerFor("abc").id().isTextual());
  }

  @Test
  void immediateAnswersRefreshActivity() {
    f.timer.advance(Duration.ofSeconds(30));
    f.request(id, 1, "item/tool/call", "{}");
    assertEquals("2026-02-15T10:00:30.000Z", f.lastActiveAt(id));
    assertEquals("item/tool/call", f.poll(id, null, 0).at("/progress/lastMethod").asText());
  }

  @Test
  void answerWriteFailureOfAnImmediateAnswerIsSwallowed() {
    b().failRespond(1, new IllegalStateException("closed"));
    f.request(id, 1, "item/tool/call", "{}");
    assertEquals("running", f.status(id));
  }

  // ------------------------------------------------------------------ terminal sessions

  private void cancel() {
    f.manager.cancel(id, null).join();
  }

  private void fail() {
    f.notify(id, "error", "{'message':'fatal','willRetry':false}");
    assertEquals("error", f.status(id));
  }

  /** Sends a request to a terminal session and checks that nothing but the answer happened. */
  private FakeCodexBackend.Answer terminalRequest(Object rpcId, String method, String params) {
    String status = f.status(id);
    List<SessionEvent> events = f.events(id);
    String lastActive = f.lastActiveAt(id);
    f.timer.advance(Duration.ofSeconds(10));
    f.request(id, rpcId, method, params);
    assertEquals(status, f.status(id));
    assertEquals(events, f.events(id), "no event pushed");
    assertEquals(lastActive, f.lastActiveAt(id), "lastActiveAt not touched");
    assertNothingParked();
    return b().answerFor(rpcId);
  }

  @Test
  void p3AuthRefreshAfterCancel() {
    cancel();
    FakeCodexBackend.Answer a = terminalRequest(1, "account/chatgptAuthTokens/refresh", "{}");
    assertEquals(-32000, a.code());
    assertEquals("account/chatgptAuthTokens/refresh unsupported: session is terminal", a.message());
  }

  @Test
  void p6ApprovalAfterCancelIsCancelled() {
    cancel();
    assertJson(
        "{'decision':'cancel'}",
        terminalRequest(1, "item/commandExecution/requestApproval", "{'itemId':'i'}").result());
    assertEquals("cancelled", f.status(id));
  }

  @Test
  void p7FileChangeWhileErrorIsCancelled() {
    fail();
    assertJson(
        "{'decision':'cancel'}",
        terminalRequest(1, "item/fileChange/requestApproval", "{'itemId':'f'}").result());
    assertEquals("error", f.status(id));
  }

  @Test
  void p8UserInputAfterCancelGetsEmptyAnswers() {
    cancel();
    assertJson(
        "{'answers':{}}",
        terminalRequest(1, "item/tool/requestUserInput", "{'questions':[]}").result());
  }

  @Test
  void p9DynamicToolCallAfterCancel() {
    cancel();
    assertJson(
        "{'success':false,'contentItems':[{'type':'inputText','text':'Session is terminal'}]}",
        terminalRequest(1, "item/tool/call", "{}").result());
  }

  @Test
  void p10UnknownRequestAfterCancel() {
    cancel();
    FakeCodexBackend.Answer a = terminalRequest(1, "foo/bar", "{}");
    assertEquals(-32601, a.code());
    assertEquals("Unhandled server request: foo/bar", a.message());
  }

  @Test
  void p11LegacyApprovalWhileError() {
    fail();
    assertJson("{'decision':'abort'}", terminalRequest(1, "execCommandApproval", "{}").result());
  }

  @Test
  void newKindsOnTerminalSessionsAreRefused() {
    fail();
    assertJson(
        "{'permissions':{}}",
        terminalRequest(1, "item/permissions/requestApproval", "{'permissions':{}}").result());
    assertJson(
        "{'action':'cancel'}",
        terminalRequest(
                2,
                "mcpServer/elicitation/request",
                "{'_meta':{'codex_approval_kind':'mcp_tool_call'}}")
            .result());
    assertJson(
        "{'action':'cancel'}",
        terminalRequest(3, "mcpServer/elicitation/request", "{'message':'form'}").result());
  }

  @Test
  void requestsWithNullParamsAreHandled() {
    b().emitRequest(
            1,
            "item/commandExecution/requestApproval",
            (com.fasterxml.jackson.databind.JsonNode) null);
    assertEquals("waiting_approval", f.status(id));
    ObjectNode action = (ObjectNode) f.poll(id, null, 0).get("actions").get(0);
    assertEquals("", action.get("itemId").asText());
    assertNull(action.get("reason"));
  }
}
