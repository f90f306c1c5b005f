package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash test with real servers (real CLI, scripted model): two servers on one state directory run
 * streamed turns and continue each other's sessions, and are killed ({@code kill -9}) at random
 * moments while they write, several rounds; then a third server starts: it lists every session,
 * every file parses, every log is in order, and it continues a session with its context.
 */
@Timeout(300)
class ServerCrashIT {
  ScriptedModelServer model;
  CodexTestHome home;
  final List<McpSession> servers = new ArrayList<>();
  Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    model.defaultText("default answer with some words in it ".repeat(20));
    home = CodexTestHome.create(model);
    Path runtime = Files.createDirectories(home.root().resolve("run"));
    env = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "CODEX_MCP_DETACHED_TTL_MS", "5000");
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

  private static void kill9(McpSession s) throws Exception {
    ProcessHandle p = s.serverProcess();
    p.destroyForcibly();
    p.onExit().get(10, TimeUnit.SECONDS);
  }

  /**
   * Starts a session whose reply is found by its prompt, not taken from the queue: a server killed
   * before its session's turn reached Codex leaves no reply behind for a later request.
   */
  private String streamed(McpSession s, String word) {
    model.onUserMessageContaining(
        "remember the word " + word,
        ScriptedReply.streamedText(("the word is " + word + ". ").repeat(40), 300));
    return s.startSession(home, "remember the word " + word).path("sessionId").asText();
  }

  @Test
  void serversKilledAtRandomMomentsLeaveEverySessionRecoverable() throws Exception {
    Random random = new Random(7);
    List<String> created = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      McpSession a = start();
      McpSession b = start();
      created.add(streamed(a, "ALPHA" + round));
      created.add(streamed(b, "BRAVO" + round));
      if (round > 0) { // B continues a session of an earlier round: it takes it over
        model.onUserMessageContaining(
            "go on", ScriptedReply.streamedText("continued, ".repeat(40), 200));
        b.call("codex_reply", args("sessionId", created.get(0), "prompt", "go on"));
      }
      created.add(streamed(a, "CHARLIE" + round));
      Thread.sleep(50 + random.nextInt(700)); // while they stream and write
      kill9(a);
      Thread.sleep(random.nextInt(300));
      kill9(b);
      servers.remove(a);
      servers.remove(b);
    }

    McpSession c = start();
    Set<String> listed = new HashSet<>();
    c.ok("codex_session", args("action", "list"))
        .path("sessions")
        .forEach(x -> listed.add(x.path("sessionId").asText()));
    List<String> statuses = new ArrayList<>();
    for (String id : created) {
      assertTrue(listed.contains(id), id + " not recovered; listed " + listed);
      JsonNode polled = c.ok("codex_check", args("action", "poll", "sessionId", id));
      assertFalse(polled.path("status").asText().isEmpty(), polled.toString());
      statuses.add(polled.path("status").asText());
    }
    System.out.println("[measure] crash test: statuses seen by the third server " + statuses);
    try (Stream<Path> files = Files.walk(c.stateDir.resolve("sessions"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".json")) {
          Json.MAPPER.readTree(Files.readAllBytes(f)); // throws when corrupt
        } else if (name.equals("events.jsonl")) {
          long prev = -1;
          for (String line : Files.readAllLines(f)) {
            long seq = Json.MAPPER.readTree(line).path("seq").asLong();
            assertTrue(seq > prev, f + ": seq " + seq + " after " + prev);
            prev = seq;
          }
        }
      }
    }
    // the first session goes on with its context once its turns are over
    String first = created.get(0);
    c.pollUntil(first, x -> !"running".equals(x.path("status").asText()), Duration.ofSeconds(60));
    model.onUserMessageContaining("which word?", ScriptedReply.text("ALPHA0 it was"));
    JsonNode r = c.call("codex_reply", args("sessionId", first, "prompt", "which word?"));
    assertFalse(r.path("isError").asBoolean(false), r + "\nstderr:\n" + c.stderr);
    JsonNode last = c.pollUntilIdle(first).last();
    assertEquals("ALPHA0 it was", last.at("/result/text").asText(), last.toString());
    // the request that asked (not the last one: other sessions' turns may still ask the model)
    JsonNode asked =
        model.awaitRequest(
            q -> "which word?".equals(ScriptedModelServer.lastUserText(q)), Duration.ofSeconds(5));
    assertTrue(
        ScriptedModelServer.inputContains(asked, "remember the word ALPHA0"),
        "the continued thread keeps its context");
  }
}
