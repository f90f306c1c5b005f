package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exec-mode sessions end to end: the packaged server with {@code CODEX_MCP_MODE=exec}, the real
 * CLI.
 */
@Timeout(180)
class ExecSessionsIT extends RealCodexFixture {
  @Override
  Map<String, String> serverEnv() {
    return Map.of("CODEX_MCP_MODE", "exec");
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
    JsonNode info =
        mcp.ok("codex_session", args("action", "get", "sessionId", sid, "includeSensitive", true));
    assertNotEquals(
        started.path("threadId").asText(),
        info.path("threadId").asText(),
        "the real CLI thread id replaced the synthetic one");

    model.enqueue(ScriptedReply.text("second answer"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "and again"));
    McpSession.Polled p2 = mcp.pollUntilIdle(sid);
    assertEquals("second answer", p2.last().at("/result/text").asText(), p2.last().toString());
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "first answer"),
        "exec resume carries the first turn");

    JsonNode fork = mcp.call("codex_session", args("action", "fork", "sessionId", sid));
    assertTrue(fork.toString().contains("EXEC_NOT_SUPPORTED"), fork.toString());
  }

  @Test
  void interruptEndsTheTurnIdleAndFailed() {
    model.enqueue(ScriptedReply.longCommand());
    // held: the turn still runs at the interrupt, even past Codex's 30 s hand-back to the model
    model.enqueue(
        ScriptedReply.gated(
            new java.util.concurrent.CompletableFuture<>(), ScriptedReply.text("too late")));
    String sid =
        mcp.startSession(home, "sleep a while", "sandbox", "danger-full-access")
            .path("sessionId")
            .asText();
    mcp.pollUntil(
        sid, r -> r.toString().contains("commandExecution"), java.time.Duration.ofSeconds(60));
    mcp.ok("codex_session", args("action", "interrupt", "sessionId", sid));
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertEquals("failed", p.last().at("/result/status").asText(), p.last().toString());
    assertTrue(
        p.last().toString().contains("exec process killed by signal SIGTERM"), p.last().toString());
  }

  @Test
  void twoRepliesContinueTheSameConversation() {
    model.enqueue(ScriptedReply.text("alpha"));
    String sid = mcp.startSession(home, "one").path("sessionId").asText();
    mcp.pollUntilIdle(sid);
    model.enqueue(ScriptedReply.text("beta"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "two"));
    mcp.pollUntilIdle(sid);
    model.enqueue(ScriptedReply.text("gamma"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "three"));
    assertEquals("gamma", mcp.pollUntilIdle(sid).last().at("/result/text").asText());
    JsonNode third = model.lastRequest();
    assertTrue(
        ScriptedModelServer.inputContains(third, "alpha")
            && ScriptedModelServer.inputContains(third, "beta"),
        third.toString());
  }

  @Test
  void commandTurnCreatesItsFile() {
    model.enqueue(ScriptedReply.command("echo exec > exec-made.txt"));
    String sid = mcp.startSession(home, "make a file").path("sessionId").asText();
    mcp.pollUntilIdle(sid);
    assertTrue(java.nio.file.Files.exists(home.workDir().resolve("exec-made.txt")));
  }

  @Test
  void outputSchemaTurnReturnsStructuredOutput() {
    model.enqueue(ScriptedReply.structured("{\"answer\":\"42\"}"));
    Map<String, Object> schema =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of("answer", Map.of("type", "string")),
            "required",
            java.util.List.of("answer"),
            "additionalProperties",
            false);
    String sid =
        mcp.startSession(home, "answer", "advanced", Map.of("outputSchema", schema))
            .path("sessionId")
            .asText();
    JsonNode last = mcp.pollUntilIdle(sid).last();
    assertEquals("42", last.at("/result/structuredOutput/answer").asText(), last.toString());
  }

  @Test
  void cancelDuringALongCommandLeavesNothingRunning() throws Exception {
    model.enqueue(ScriptedReply.longCommand(41));
    String sid =
        mcp.startSession(home, "sleep", "sandbox", "danger-full-access").path("sessionId").asText();
    mcp.pollUntil(sid, r -> sleeping(), java.time.Duration.ofSeconds(60));
    mcp.ok("codex_session", args("action", "cancel", "sessionId", sid));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (sleeping() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(!sleeping(), "sleep 41 survived the cancel");
    assertTrue(
        ProcessHandle.current()
            .descendants()
            .noneMatch(
                ph ->
                    ph.info().commandLine().map(c -> c.contains(" exec ")).orElse(false)
                        && ph.isAlive()),
        "a codex exec child survived");
  }

  private static boolean sleeping() {
    return ProcessHandle.allProcesses()
        .anyMatch(ph -> ph.info().commandLine().map(c -> c.contains("sleep 41")).orElse(false));
  }

  @Test
  void autoDetectsExecModeForACodexInternalWithoutAppServer() throws Exception {
    mcp.close();
    mcp = null;
    java.nio.file.Path bin = home.root().resolve("internal-bin");
    java.nio.file.Files.createDirectories(bin);
    java.nio.file.Path script = bin.resolve("codex-internal");
    String real = io.github.codexmcp.testing.CodexCli.get().nativeBinary().toString();
    java.nio.file.Files.writeString(
        script,
        "#!/bin/sh\n"
            + "if [ \"$1\" = \"app-server\" ]; then echo \"error: unrecognized subcommand 'app-server'\" >&2; exit 2; fi\n"
            + "exec '"
            + real
            + "' \"$@\"\n");
    script.toFile().setExecutable(true);
    try (McpSession auto =
        McpSession.start(home, Map.of("CODEX_MCP_PATH", "", "PATH", bin + ":/usr/bin:/bin"))) {
      model.enqueue(ScriptedReply.text("via codex-internal"));
      String sid = auto.startSession(home, "hello").path("sessionId").asText();
      assertEquals(
          "via codex-internal", auto.pollUntilIdle(sid).last().at("/result/text").asText());
      String info =
          ((io.modelcontextprotocol.spec.McpSchema.TextResourceContents)
                  auto.client
                      .readResource(
                          new io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest(
                              "codex-mcp:///server-info"))
                      .contents()
                      .get(0))
              .text();
      assertTrue(info.contains("\"clientMode\": \"exec\""), info);
    }
  }
}
