package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exec-mode sessions end to end: the packaged server with {@code CODEX_MCP_MODE=exec}, the real CLI. */
@Timeout(180)
class ExecSessionsIT {
  ScriptedModelServer model;
  CodexTestHome home;
  McpSession mcp;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    mcp = McpSession.start(home, Map.of("CODEX_MCP_MODE", "exec"));
  }

  @AfterEach
  void tearDown() {
    if (mcp != null) {
      mcp.close();
    }
    home.close();
    model.close();
  }

  @Test
  void replyContinuesTheConversationAndForkIsRefused() {
    model.enqueue(ScriptedReply.text("first answer"));
    JsonNode started = mcp.startSession(home, "say something");
    String sid = started.path("sessionId").asText();
    assertTrue(started.path("threadId").asText().startsWith("exec_thread_"), started.toString());
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertEquals("first answer", p.last().at("/result/text").asText(), p.last().toString());
    assertEquals("completed", p.last().at("/result/status").asText());
    JsonNode info = mcp.ok("codex_session", args("action", "get", "sessionId", sid, "includeSensitive", true));
    assertNotEquals(started.path("threadId").asText(), info.path("threadId").asText(), "the real CLI thread id replaced the synthetic one");

    model.enqueue(ScriptedReply.text("second answer"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "and again"));
    McpSession.Polled p2 = mcp.pollUntilIdle(sid);
    assertEquals("second answer", p2.last().at("/result/text").asText(), p2.last().toString());
    assertTrue(ScriptedModelServer.inputContains(model.lastRequest(), "first answer"), "exec resume carries the first turn");

    JsonNode fork = mcp.call("codex_session", args("action", "fork", "sessionId", sid));
    assertTrue(fork.toString().contains("EXEC_NOT_SUPPORTED"), fork.toString());
  }

  @Test
  void interruptEndsTheTurnIdleAndFailed() {
    model.enqueue(ScriptedReply.longCommand());
    String sid = mcp.startSession(home, "sleep a while", "sandbox", "danger-full-access").path("sessionId").asText();
    mcp.pollUntil(sid, r -> r.toString().contains("commandExecution"), java.time.Duration.ofSeconds(60));
    mcp.ok("codex_session", args("action", "interrupt", "sessionId", sid));
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertEquals("failed", p.last().at("/result/status").asText(), p.last().toString());
    assertTrue(p.last().toString().contains("exec process killed by signal SIGTERM"), p.last().toString());
  }
}
