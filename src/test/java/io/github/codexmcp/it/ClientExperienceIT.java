package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.ScriptedReply;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What MCP clients get beyond the tools: an honest {@code codex_setup}, log messages at the
 * client's level, and no answer to a cancelled request.
 */
@Timeout(180)
class ClientExperienceIT extends RealCodexFixture {

  @Test
  void codexSetupIsReadyWithTheMockProviderAndNoLogin() {
    JsonNode r = mcp.ok("codex_setup", args("cwd", home.workDir().toString()));
    assertTrue(r.path("ready").asBoolean(), r.toString());
    assertEquals("not_required", r.at("/auth/state").asText(), r.toString());
    assertTrue(r.at("/auth/ok").asBoolean());
    assertEquals("on", r.at("/persistence/state").asText(), r.toString());
    assertFalse(r.path("nextSteps").toString().contains("codex login"), r.toString());
  }

  @Test
  void theOnFailureTranslationIsLoggedAtInfo() throws Exception {
    mcp.client.setLoggingLevel(McpSchema.LoggingLevel.INFO);
    model.enqueue(ScriptedReply.text("done"));
    String sid =
        mcp.startSession(home, "say done", "approvalPolicy", "on-failure")
            .path("sessionId")
            .asText();
    assertTrue(
        Procs.await(
            () ->
                mcp.logs.stream()
                    .anyMatch(
                        m ->
                            m.data().contains("on-failure")
                                && m.data().contains("on-request")
                                && m.data().contains(sid)),
            Duration.ofSeconds(10)),
        "no log message naming the translation: " + mcp.logs);
    McpSchema.LoggingMessageNotification m =
        mcp.logs.stream().filter(l -> l.data().contains("on-failure")).findFirst().orElseThrow();
    assertEquals(McpSchema.LoggingLevel.WARNING, m.level());
    mcp.pollUntilIdle(sid);
  }

  @Test
  void aCancelledLongPollGetsNoAnswerAndTheServerKeepsServing() throws Exception {
    mcp.close();
    mcp = null;
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(ScriptedReply.gated(gate, ScriptedReply.text("late")));
    Map<String, String> env = new HashMap<>(home.env());
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", home.root().resolve("state-raw").toString());
    try (ServerProcess server = ServerProcess.start(env, home.workDir())) {
      server.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
      server.response(1, Duration.ofSeconds(30));
      server.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      server.send(
          call(
              2,
              "codex",
              args(
                  "prompt",
                  "wait",
                  "approvalPolicy",
                  "never",
                  "sandbox",
                  "workspace-write",
                  "cwd",
                  home.workDir().toString())));
      JsonNode started = server.response(2, Duration.ofSeconds(60));
      String sid = started.at("/result/structuredContent/sessionId").asText();
      assertFalse(sid.isEmpty(), started.toString());

      // read until the session is quiet (the model's answer is held back), so the long poll waits
      int id = 100;
      while (true) {
        JsonNode r =
            server.response(
                sendPoll(server, id, sid, 2000), Duration.ofSeconds(30)); // 2 s without news
        id++;
        if (r.at("/result/structuredContent/events").isEmpty()) {
          break;
        }
      }
      sendPoll(server, 3, sid, 60000);
      Thread.sleep(500); // let the long poll start waiting
      server.sendLine(
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3,\"reason\":\"test\"}}");
      server.send(call(4, "codex_session", args("action", "list")));
      JsonNode list = server.response(4, Duration.ofSeconds(30));
      assertTrue(list.at("/result/structuredContent/sessions").isArray(), list.toString());
      gate.complete(null);
      server.send(
          call(
              5,
              "codex_check",
              args("action", "poll", "sessionId", sid, "pollOptions", Map.of("waitMs", 20000))));
      server.response(5, Duration.ofSeconds(40));
      server.sendLine("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}");
      server.response(6, Duration.ofSeconds(10));
      for (String line : server.stdoutLines) {
        JsonNode m = ServerProcess.JSON.readTree(line);
        assertFalse(
            m.has("id") && m.get("id").asInt() == 3, "the cancelled request was answered: " + line);
      }
    }
  }

  private static int sendPoll(ServerProcess server, int id, String sid, int waitMs)
      throws java.io.IOException {
    server.send(
        call(
            id,
            "codex_check",
            args(
                "action",
                "poll",
                "sessionId",
                sid,
                "maxEvents",
                1000,
                "pollOptions",
                Map.of("waitMs", waitMs))));
    return id;
  }

  private static ObjectNode call(int id, String tool, Map<String, Object> arguments) {
    ObjectNode m = ServerProcess.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id);
    m.put("method", "tools/call");
    ObjectNode p = m.putObject("params").put("name", tool);
    p.set("arguments", ServerProcess.JSON.valueToTree(arguments));
    return m;
  }
}
