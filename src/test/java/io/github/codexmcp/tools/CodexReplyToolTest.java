package io.github.codexmcp.tools;

import static io.github.codexmcp.testing.FakeCodexBackend.TURN_START;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code codex_reply} tool (spec 70 group I). */
class CodexReplyToolTest {
  @TempDir Path cwd;
  SessionFixture f;
  ToolHarness t;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    t = new ToolHarness(f, cwd);
    id = f.idleSession();
  }

  private ToolHarness.Result reply(String extra) {
    return t.call(
        t.reply,
        "{'sessionId':'" + id + "','prompt':'more'" + (extra.isEmpty() ? "" : "," + extra) + "}");
  }

  @Test
  void i1SandboxOverrideIsForwardedAsSandbox() {
    reply("'sandbox':'read-only'").ok();
    JsonNode p = f.backend(id).lastParams(TURN_START);
    assertJson("{'type':'readOnly'}", p.get("sandboxPolicy"));
    for (String absent :
        new String[] {
          "model", "approvalPolicy", "effort", "summary", "personality", "cwd", "outputSchema"
        }) {
      assertFalse(p.has(absent), absent);
    }
    assertEquals("read-only", f.json.get(id, false).get("sandbox").asText());
  }

  @Test
  void i2EveryOverrideIsForwarded() throws Exception {
    Path sub = Files.createDirectory(cwd.resolve("sub"));
    reply(
            "'model':'o4','approvalPolicy':'never','effort':'high','summary':'none','personality':'friendly',"
                + "'sandbox':'danger-full-access','cwd':'sub','outputSchema':{'type':'object'}")
        .ok();
    assertJson(
        "{'threadId':'thread_mock','input':[{'type':'text','text':'more'}],'model':'o4','approvalPolicy':'never',"
            + "'effort':'high','summary':'none','personality':'friendly','cwd':'"
            + sub
            + "','outputSchema':{'type':'object'},"
            + "'sandboxPolicy':{'type':'dangerFullAccess'}}",
        f.backend(id).lastParams(TURN_START));
  }

  @Test
  void i3BackendErrorBecomesInternal() {
    f.backend(id).fail(TURN_START, "boom");
    assertEquals("Error [INTERNAL]: boom", reply("").thrownText());
    assertEquals("error", f.status(id));
  }

  @Test
  void i4UnknownSession() {
    id = "sess_x";
    assertEquals("Error [SESSION_NOT_FOUND]: Session 'sess_x' not found", reply("").thrownText());
  }

  @Test
  void i5AndI6BusySessions() {
    reply("").ok();
    assertEquals(
        "Error [SESSION_BUSY]: Session '" + id + "' is running, expected idle or error",
        reply("").thrownText());
    f.commandApproval(id, 1);
    assertEquals(
        "Error [SESSION_BUSY]: Session '" + id + "' is waiting_approval, expected idle or error",
        reply("").thrownText());
  }

  @Test
  void i7CancelledSession() {
    f.manager.cancel(id, null).join();
    assertEquals(
        "Error [CANCELLED]: Session '" + id + "' has been cancelled and cannot be resumed",
        reply("").thrownText());
  }

  @Test
  void i9MissingCwdOverrideIsInvalid() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: cwd does not exist: " + cwd.resolve("nope"),
        reply("'cwd':'nope'").thrownText());
  }

  @Test
  void replyResultShape() {
    ObjectNode r = reply("").ok();
    assertEquals("running", r.get("status").asText());
    assertEquals(120_000, r.get("pollInterval").asLong());
    assertJson("{'requested':'background','effective':'background'}", r.get("execution"));
    assertEquals("poll", r.get("recommendedNextAction").asText());
  }

  @Test
  void i15ForegroundReply() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.reply,
            "{'sessionId':'" + id + "','prompt':'more','waitForResult':30000}",
            new ToolHarness.Context(false));
    assertFalse(r.isDone());
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    ObjectNode o = r.join().ok();
    assertEquals("idle", o.get("status").asText());
    assertTrue(o.has("result"));
    assertTrue(o.has("completedAt"));
    assertEquals("foreground", o.at("/execution/effective").asText());
    assertEquals(30_000, o.at("/execution/waitForResultMs").asLong());
  }

  @Test
  void inputSchema() {
    assertFalse(
        ToolHarness.inputIssues(t.reply, "{'sessionId':'s'}").isEmpty(), "prompt is required");
    assertFalse(
        ToolHarness.inputIssues(t.reply, "{'sessionId':'s','prompt':'p','sandbox':'full'}")
            .isEmpty());
    assertFalse(
        ToolHarness.inputIssues(t.reply, "{'sessionId':'s','prompt':'p','waitForResult':300001}")
            .isEmpty());
    assertTrue(
        ToolHarness.inputIssues(
                t.reply, "{'sessionId':'s','prompt':'p','sandboxPolicy':{'type':'x'}}")
            .isEmpty());
  }
}
