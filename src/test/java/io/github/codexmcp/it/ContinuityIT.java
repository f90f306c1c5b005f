package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions outlive the server that started them (real CLI, scripted model): continued after a
 * restart, a turn finishing after {@code kill -9} of its server and picked up by the next one, two
 * servers on one state directory, and nothing left running once the TTL has passed.
 */
@Timeout(240)
class ContinuityIT {
  ScriptedModelServer model;
  CodexTestHome home;
  final List<McpSession> servers = new ArrayList<>();
  Path runtime;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    runtime = Files.createDirectories(home.root().resolve("run"));
  }

  @AfterEach
  void tearDown() throws Exception {
    servers.forEach(McpSession::close);
    for (ProcessHandle p : codexProcesses()) {
      p.destroyForcibly();
    }
    home.close();
    model.close();
  }

  private McpSession start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    McpSession s = McpSession.start(home, env);
    servers.add(s);
    return s;
  }

  /** Codex processes (and the keeper) started for this test's state directory. */
  private List<ProcessHandle> codexProcesses() {
    String needle = runtime.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
        .toList();
  }

  private static void kill9(McpSession s) throws Exception {
    ProcessHandle p = s.serverProcess();
    p.destroyForcibly();
    p.onExit().get(10, TimeUnit.SECONDS);
  }

  private static JsonNode reply(McpSession s, String sid, String prompt) {
    return s.ok("codex_reply", args("sessionId", sid, "prompt", prompt));
  }

  @Test
  void anIdleSessionIsContinuedWithItsContextAfterARestart() throws Exception {
    McpSession first = start(Map.of());
    model.enqueue(ScriptedReply.text("noted"));
    String sid = first.startSession(home, "remember the word PAPAYA").path("sessionId").asText();
    first.pollUntilIdle(sid);
    servers.remove(first);
    first.closeAndWait();

    long t0 = System.nanoTime();
    McpSession second = start(Map.of());
    second.ok("codex_check", args("action", "poll", "sessionId", sid));
    long firstPollMs = (System.nanoTime() - t0) / 1_000_000;
    model.enqueue(ScriptedReply.text("PAPAYA it was"));
    long t1 = System.nanoTime();
    reply(second, sid, "which word did I ask you to remember?");
    long replyMs = (System.nanoTime() - t1) / 1_000_000;
    System.out.printf(
        "[measure] continuation: server start to first poll %d ms; codex_reply on the recovered"
            + " session (new Codex process + thread/resume + turn/start) %d ms%n",
        firstPollMs, replyMs);
    JsonNode last = second.pollUntilIdle(sid).last();
    assertEquals("PAPAYA it was", last.at("/result/text").asText(), last.toString());
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "remember the word PAPAYA"),
        "the continued thread keeps its context");
  }
}
