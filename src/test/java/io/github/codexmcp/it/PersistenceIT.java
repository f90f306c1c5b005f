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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Disk persistence at the process level (state dir unusable, shared by two servers, corrupt
 * content) and {@code codex_session clean} with and without {@code includeDisk}.
 */
@Timeout(240)
class PersistenceIT {
  static final String MEMORY_ONLY = "sessions are held in memory only";
  ScriptedModelServer model;
  CodexTestHome home;
  final List<McpSession> servers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
  }

  @AfterEach
  void tearDown() {
    servers.forEach(McpSession::close);
    home.close();
    model.close();
  }

  private McpSession start(Map<String, String> env) {
    McpSession s = McpSession.start(home, env);
    servers.add(s);
    return s;
  }

  private Path state() {
    return home.root().resolve("state");
  }

  private Path sessionDir(String sid) {
    return state().resolve("sessions").resolve(sid);
  }

  /** Runs one turn to idle and returns the session id. */
  private String turn(McpSession mcp, String answer) {
    model.enqueue(ScriptedReply.text(answer));
    String sid = mcp.startSession(home, "say " + answer).path("sessionId").asText();
    assertEquals(answer, mcp.pollUntilIdle(sid).last().at("/result/text").asText());
    return sid;
  }

  private static List<String> warnings(McpSession mcp) {
    List<String> out = new ArrayList<>();
    mcp.ok("codex_setup", Map.of()).path("warnings").forEach(w -> out.add(w.asText()));
    return out;
  }

  private static boolean awaitFile(Path p) throws InterruptedException {
    return Procs.await(() -> Files.exists(p), Duration.ofSeconds(5));
  }

  @Test
  void stateDirThatIsARegularFileMeansMemoryOnly() throws Exception {
    Path file = home.root().resolve("state-file");
    Files.writeString(file, "not a directory\n");
    McpSession mcp = start(Map.of("CODEX_MCP_STATE_DIR", file.toString()));
    String sid = turn(mcp, "served without disk");
    List<String> w = warnings(mcp);
    assertTrue(
        w.stream().anyMatch(s -> s.contains(MEMORY_ONLY) && s.contains(file.toString())),
        w.toString());
    assertTrue(mcp.stderr.toString().contains("running memory-only"), mcp.stderr.toString());
    assertEquals("not a directory\n", Files.readString(file), "the file is left alone");
    JsonNode clean = mcp.ok("codex_session", args("action", "clean"));
    assertEquals(List.of(sid), List.of(clean.at("/removedSessionIds/0").asText()));
    assertEquals(0, clean.path("diskSessionsRemoved").asInt());
  }

  @Test
  void aSecondServerOnTheSameStateDirPersistsAndSeesTheFirstsSessions() throws Exception {
    McpSession first = start(Map.of());
    String firstSid = turn(first, "first server");
    assertTrue(awaitFile(sessionDir(firstSid).resolve("result.json")));

    McpSession second = start(Map.of());
    String secondSid = turn(second, "second server");
    assertTrue(warnings(second).stream().noneMatch(s -> s.contains(MEMORY_ONLY)));
    assertTrue(
        awaitFile(sessionDir(secondSid).resolve("result.json")),
        "the second server persists too:\n" + second.stderr);
    JsonNode list = second.ok("codex_session", args("action", "list"));
    assertEquals(2, list.path("sessions").size(), "every server sees every session: " + list);
    JsonNode seen = second.ok("codex_session", args("action", "get", "sessionId", firstSid));
    assertEquals("idle", seen.path("status").asText(), seen.toString());

    servers.remove(first);
    first.closeAndWait();
    McpSession third = start(Map.of());
    JsonNode recovered = third.ok("codex_session", args("action", "get", "sessionId", firstSid));
    assertEquals("idle", recovered.path("status").asText(), recovered.toString());
  }

  @Test
  void corruptSessionFilesDoNotStopStartup() throws Exception {
    Path sessions = Files.createDirectories(state().resolve("sessions"));
    Files.createDirectories(sessions.resolve("sess_corrupt-001"));
    Files.writeString(
        sessions.resolve("sess_corrupt-001/meta.json"),
        "{\"schemaVersion\":1,\"sessionId\":\"sess_corr");
    Files.createDirectories(sessions.resolve("sess_corrupt-002"));
    Files.writeString(sessions.resolve("sess_corrupt-002/meta.json"), "[1,2,3]\n");
    Files.createDirectories(sessions.resolve("sess_corrupt-003"));
    Files.write(sessions.resolve("sess_corrupt-003/meta.json"), new byte[] {(byte) 0xff, 0, 1, 2});
    Files.writeString(sessions.resolve("sess_corrupt-003/events.jsonl"), "{\"seq\":0,\"ty");
    Files.writeString(sessions.resolve("stray-file.txt"), "hello");

    McpSession mcp = start(Map.of());
    assertEquals(0, mcp.ok("codex_session", args("action", "list")).path("sessions").size());
    String sid = turn(mcp, "still works");
    assertTrue(
        awaitFile(sessionDir(sid).resolve("result.json")),
        "persistence must stay on:\n" + mcp.stderr);
    assertTrue(warnings(mcp).stream().noneMatch(s -> s.contains(MEMORY_ONLY)));
    assertTrue(
        mcp.stderr.toString().contains("[recovery] Skipping sess_corrupt-001"),
        mcp.stderr.toString());
    for (String d : List.of("sess_corrupt-001", "sess_corrupt-002", "sess_corrupt-003")) {
      assertTrue(Files.exists(sessions.resolve(d).resolve("meta.json")), d + " must be left alone");
    }
    assertTrue(Files.exists(sessions.resolve("stray-file.txt")));
  }

  @Test
  void cleanWithoutIncludeDiskKeepsTheDirectoryAndWithItRemovesIt() throws Exception {
    McpSession first = start(Map.of());
    String sid = turn(first, "to be cleaned");
    Path dir = sessionDir(sid);
    assertTrue(awaitFile(dir.resolve("result.json")));

    JsonNode kept = first.ok("codex_session", args("action", "clean", "includeDisk", false));
    assertEquals(1, kept.path("removedCount").asInt(), kept.toString());
    assertEquals(0, kept.path("diskSessionsRemoved").asInt());
    Thread.sleep(300);
    assertTrue(Files.isDirectory(dir), "includeDisk:false must keep the directory");
    assertTrue(
        Files.readString(dir.resolve("events.jsonl")).contains("to be cleaned"),
        "event log flushed");
    JsonNode gone = first.call("codex_session", args("action", "get", "sessionId", sid));
    assertTrue(
        gone.path("error").asText().startsWith("Error [SESSION_NOT_FOUND]"), gone.toString());

    String other = turn(first, "cleaned with disk");
    assertTrue(awaitFile(sessionDir(other).resolve("result.json")));
    JsonNode removed = first.ok("codex_session", args("action", "clean"));
    assertEquals(1, removed.path("diskSessionsRemoved").asInt(), removed.toString());
    assertFalse(
        Files.exists(sessionDir(other)), "includeDisk (default true) must remove the directory");
    assertTrue(Files.isDirectory(dir));

    // The kept directory is recovered by the next server; a default clean there removes it.
    servers.remove(first);
    first.closeAndWait();
    McpSession second = start(Map.of());
    JsonNode recovered = second.ok("codex_session", args("action", "get", "sessionId", sid));
    assertEquals("idle", recovered.path("status").asText());
    JsonNode poll =
        second.ok("codex_check", args("action", "poll", "sessionId", sid, "responseMode", "full"));
    assertEquals("to be cleaned", poll.at("/result/text").asText(), poll.toString());
    JsonNode clean = second.ok("codex_session", args("action", "clean", "includeDisk", true));
    assertEquals(List.of(sid), List.of(clean.at("/removedSessionIds/0").asText()));
    assertEquals(1, clean.path("diskSessionsRemoved").asInt());
    assertFalse(Files.exists(dir));
  }
}
