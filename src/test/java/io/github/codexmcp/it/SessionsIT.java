package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** App-server sessions end to end: the packaged server, the real Codex CLI, a scripted model. */
@Timeout(180)
class SessionsIT extends RealCodexFixture {

  @Test
  void plainTurnThenReplySeesTheFirstTurn() {
    model.enqueue(ScriptedReply.text("first answer"));
    JsonNode started = mcp.startSession(home, "say something");
    assertEquals("running", started.path("status").asText());
    assertEquals(120000, started.path("pollInterval").asInt());
    assertEquals("poll", started.path("recommendedNextAction").asText());
    String sid = started.path("sessionId").asText();
    assertTrue(sid.matches("sess_[0-9a-f]{8}-[0-9a-f]{3}"), sid);
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertEquals("first answer", p.last().at("/result/text").asText(), p.last().toString());
    assertEquals("completed", p.last().at("/result/status").asText());

    model.enqueue(ScriptedReply.text("second answer"));
    JsonNode reply = mcp.ok("codex_reply", args("sessionId", sid, "prompt", "and again"));
    assertEquals("running", reply.path("status").asText());
    McpSession.Polled p2 = mcp.pollUntilIdle(sid);
    assertEquals("second answer", p2.last().at("/result/text").asText());
    JsonNode second = model.lastRequest();
    assertTrue(
        ScriptedModelServer.inputContains(second, "first answer"),
        "the reply turn must carry the first turn");
  }

  @Test
  void commandTurnCreatesItsFile() {
    model.enqueue(ScriptedReply.command("echo hi > made.txt"));
    String sid = mcp.startSession(home, "make a file").path("sessionId").asText();
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertTrue(Files.exists(home.workDir().resolve("made.txt")), p.last().toString());
    assertTrue(p.hasEvent(e -> "commandExecution".equals(e.at("/data/item/type").asText())));
  }

  @Test
  void modelFailureEndsTheTurnWithTheError() {
    model.enqueue(ScriptedReply.serverError());
    String sid = mcp.startSession(home, "fail please").path("sessionId").asText();
    McpSession.Polled p = mcp.pollUntil(sid, r -> r.has("result"), Duration.ofSeconds(60));
    assertEquals("failed", p.last().at("/result/status").asText(), p.last().toString());
    assertTrue(p.hasEvent(e -> "error".equals(e.path("type").asText())), p.events().toString());
  }

  @Test
  void forkGetsItsOwnThreadAndBothSessionsTakeReplies() {
    model.enqueue(ScriptedReply.text("base"));
    JsonNode started = mcp.startSession(home, "base turn");
    String sid = started.path("sessionId").asText();
    mcp.pollUntilIdle(sid);
    String originalThread =
        mcp.ok("codex_session", args("action", "get", "sessionId", sid, "includeSensitive", true))
            .path("threadId")
            .asText();

    JsonNode fork = mcp.ok("codex_session", args("action", "fork", "sessionId", sid));
    String forkId = fork.path("sessionId").asText();
    assertEquals("idle", fork.path("status").asText());
    assertNotEquals(sid, forkId);
    assertNotEquals(originalThread, fork.path("threadId").asText());
    String afterFork =
        mcp.ok("codex_session", args("action", "get", "sessionId", sid, "includeSensitive", true))
            .path("threadId")
            .asText();
    assertEquals(originalThread, afterFork, "fork must not touch the source session's thread");

    model.enqueue(ScriptedReply.text("from fork"));
    mcp.ok("codex_reply", args("sessionId", forkId, "prompt", "fork turn"));
    assertEquals("from fork", mcp.pollUntilIdle(forkId).last().at("/result/text").asText());
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "base"),
        "the fork carries the source history");
    model.enqueue(ScriptedReply.text("from source"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "source turn"));
    assertEquals("from source", mcp.pollUntilIdle(sid).last().at("/result/text").asText());
  }

  @Test
  void listGetAndCleanReportSessions() {
    model.enqueue(ScriptedReply.text("x"));
    String sid = mcp.startSession(home, "x", "model", "mock-model").path("sessionId").asText();
    mcp.pollUntilIdle(sid);
    JsonNode list = mcp.ok("codex_session", args("action", "list"));
    assertEquals(sid, list.at("/sessions/0/sessionId").asText());
    JsonNode pub = mcp.ok("codex_session", args("action", "get", "sessionId", sid));
    assertFalse(pub.has("cwd"));
    assertFalse(pub.has("threadId"));
    JsonNode dry = mcp.ok("codex_session", args("action", "clean", "dryRun", true));
    assertEquals(List.of(sid), List.of(dry.at("/matchedSessionIds/0").asText()));
    assertEquals(0, dry.path("removedCount").asInt());
    JsonNode clean = mcp.ok("codex_session", args("action", "clean"));
    assertEquals(1, clean.path("removedCount").asInt());
    JsonNode gone = mcp.call("codex_session", args("action", "get", "sessionId", sid));
    assertTrue(
        gone.path("error").asText().startsWith("Error [SESSION_NOT_FOUND]"), gone.toString());
  }

  static Map<String, Object> pollArgs(String sid) {
    return args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full");
  }
}
