package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two servers at once on one state directory (real CLI, scripted model), as two client windows
 * would run them: each sees the other's sessions, continues one once it rests there (with its
 * context), shows the turn the other ran, and is refused while the other runs a turn.
 */
@Timeout(240)
class SharedStateIT {
  ScriptedModelServer model;
  CodexTestHome home;
  final List<McpSession> servers = new ArrayList<>();
  Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    Path runtime = Files.createDirectories(home.root().resolve("run"));
    env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
  }

  @AfterEach
  void tearDown() throws Exception {
    servers.forEach(McpSession::close);
    String needle = home.root().toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
    home.close();
    model.close();
  }

  private McpSession start() {
    McpSession s = McpSession.start(home, env);
    servers.add(s);
    return s;
  }

  private static JsonNode reply(McpSession s, String sid, String prompt) {
    return s.call("codex_reply", args("sessionId", sid, "prompt", prompt));
  }

  /**
   * {@code codex_reply} until it is not refused as busy: the session is handed back just after its
   * turn ends, so a reply sent in that instant may still be refused.
   */
  private static JsonNode replyOnceFree(McpSession s, String sid, String prompt) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      JsonNode r = reply(s, sid, prompt);
      if (!r.path("error").asText("").contains("SESSION_BUSY") || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(100);
    }
  }

  private static List<String> listed(McpSession s) {
    List<String> ids = new ArrayList<>();
    s.ok("codex_session", args("action", "list"))
        .path("sessions")
        .forEach(x -> ids.add(x.path("sessionId").asText()));
    return ids;
  }

  @Test
  void aSecondServerContinuesTheFirstsSessionAndTheFirstShowsTheResult() throws Exception {
    McpSession a = start();
    McpSession b = start();
    model.enqueue(ScriptedReply.text("noted"));
    String sid = a.startSession(home, "remember the word PAPAYA").path("sessionId").asText();
    a.pollUntilIdle(sid);

    long t0 = System.nanoTime();
    McpSession.Polled seen =
        b.pollUntil(sid, r -> "idle".equals(r.path("status").asText()), Duration.ofSeconds(30));
    System.out.printf(
        "[measure] second server: session of the first seen idle after %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertEquals("noted", seen.last().at("/result/text").asText(), seen.last().toString());
    assertTrue(listed(b).contains(sid), "B lists A's session");
    assertEquals(
        "on",
        b.ok("codex_setup", Map.of()).at("/persistence/state").asText(),
        "a second server on the directory persists too");

    model.enqueue(ScriptedReply.text("PAPAYA it was"));
    long t1 = System.nanoTime();
    JsonNode r = replyOnceFree(b, sid, "which word did I ask you to remember?");
    long replyMs = (System.nanoTime() - t1) / 1_000_000;
    assertFalse(r.path("isError").asBoolean(false), r.toString() + "\nB stderr:\n" + b.stderr);
    JsonNode last = b.pollUntilIdle(sid).last();
    assertEquals("PAPAYA it was", last.at("/result/text").asText(), last.toString());
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "remember the word PAPAYA"),
        "B's turn keeps the context of A's");
    System.out.printf(
        "[measure] second server: codex_reply taking the session over %d ms%n", replyMs);

    McpSession.Polled inA =
        a.pollUntil(
            sid,
            x -> "PAPAYA it was".equals(x.at("/result/text").asText()),
            Duration.ofSeconds(30));
    assertEquals("idle", inA.last().path("status").asText());
    JsonNode got = a.ok("codex_session", args("action", "get", "sessionId", sid));
    assertEquals("idle", got.path("status").asText(), got.toString());
  }

  @Test
  void aSessionIsNotTakenOverWhileItsTurnRunsAndIsOnceItEnds() throws Exception {
    McpSession a = start();
    McpSession b = start();
    model.enqueue(ScriptedReply.longCommand(4));
    // the turn's end is held until B has been refused: however slowly B looks, the turn runs
    CompletableFuture<Void> held = new CompletableFuture<>();
    model.enqueue(ScriptedReply.gated(held, ScriptedReply.text("slept")));
    String sid = a.startSession(home, "sleep a little").path("sessionId").asText();
    b.pollUntil(sid, x -> "running".equals(x.path("status").asText()), Duration.ofSeconds(30));

    JsonNode refused = reply(b, sid, "take over now");
    assertTrue(
        refused.path("error").asText("").contains("SESSION_BUSY"),
        refused + "\nB stderr:\n" + b.stderr);
    assertTrue(
        refused.path("error").asText("").contains("another codex-mcp server"), refused.toString());

    held.complete(null);
    a.pollUntilIdle(sid);
    model.enqueue(ScriptedReply.text("taken over"));
    JsonNode r = replyOnceFree(b, sid, "and now?");
    assertFalse(r.path("isError").asBoolean(false), r.toString() + "\nB stderr:\n" + b.stderr);
    JsonNode last = b.pollUntilIdle(sid).last();
    assertEquals("taken over", last.at("/result/text").asText(), last.toString());
    a.pollUntil(
        sid, x -> "taken over".equals(x.at("/result/text").asText()), Duration.ofSeconds(30));
  }
}
