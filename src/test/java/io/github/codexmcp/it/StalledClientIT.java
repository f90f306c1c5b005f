package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading stdout for 20 s while a 50,000-delta turn streams and 200 polls are
 * queued: the server's memory stays bounded, Codex's output is still applied during the stall, and
 * every request is answered once it reads again. The server runs with the JVM options of the
 * launcher users start ({@code bin/codex-mcp}); the peak is asserted over the whole run.
 */
@Timeout(300)
class StalledClientIT {
  static final int DELTAS = 50_000;
  static final int POLLS = 200;
  static final Duration STALL = Duration.ofSeconds(20);
  static final long PEAK_RSS_LIMIT_KB = 400L * 1024;

  /** The launcher's JVM options that shape memory (checked against the launcher below). */
  static final List<String> LAUNCHER_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmn8m", "-Xms32m");

  ScriptedModelServer model;
  CodexTestHome home;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
  }

  @AfterEach
  void tearDown() {
    home.close();
    model.close();
  }

  @Test
  void memoryStaysBoundedAndEveryRequestIsAnsweredAfterTheStall() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < DELTAS * 12; i++) {
      text.append("word").append(i % 1000).append(' ');
    }
    model.enqueue(ScriptedReply.streamedText(text.toString(), DELTAS));
    Map<String, String> env = new HashMap<>(home.env());
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", home.root().resolve("state-raw").toString());
    String launcher = Files.readString(Path.of("src/dist/bin/codex-mcp"));
    for (String option : LAUNCHER_OPTIONS) {
      assertTrue(launcher.contains(" " + option + " "), "the launcher runs with " + option);
    }
    List<String> command = ServerProcess.command(LAUNCHER_OPTIONS.toArray(new String[0]));
    try (ServerProcess p = ServerProcess.start(command, env, home.workDir())) {
      initialize(p);
      p.send(
          call(
              2,
              "codex",
              McpSession.args(
                  "prompt",
                  "stream",
                  "approvalPolicy",
                  "never",
                  "sandbox",
                  "read-only",
                  "cwd",
                  home.workDir().toString())));
      JsonNode started = p.response(2, Duration.ofSeconds(60));
      String sid = started.at("/result/structuredContent/sessionId").asText();
      assertFalse(sid.isEmpty(), started.toString());

      // once the stream is under way (polls that consume keep its deltas apart), stop reading
      int seen = 0;
      for (int id = 3; seen < 5_000; id++) {
        p.send(
            call(
                id,
                "codex_check",
                McpSession.args("action", "poll", "sessionId", sid, "maxEvents", 1_000)));
        JsonNode page = p.response(id, Duration.ofSeconds(30));
        seen += page.at("/result/structuredContent/events").size();
        assertEquals(
            "running",
            page.at("/result/structuredContent/status").asText(),
            "the turn must still stream when the client stalls: " + seen + " events seen");
      }
      p.pauseReading(true);
      long pid = p.process.pid();
      long stallEnds = System.nanoTime() + STALL.toNanos();
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < POLLS; i++) {
        int id = 100 + i;
        ids.add(id);
        // half plain polls, half long polls that Codex's output wakes; every poll reads the whole
        // log from the start, in full mode
        Map<String, Object> poll =
            McpSession.args(
                "action",
                "poll",
                "sessionId",
                sid,
                "cursor",
                0,
                "maxEvents",
                DELTAS * 2,
                "responseMode",
                "full",
                "pollOptions",
                i % 2 == 0 ? Map.of() : Map.of("waitMs", 30_000));
        p.send(call(id, "codex_check", poll));
      }
      long peakKb = 0;
      while (System.nanoTime() < stallEnds) {
        peakKb = Math.max(peakKb, peakRssKb(pid));
        Thread.sleep(200);
      }
      long stallPeakKb = peakKb;
      p.pauseReading(false);
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      long events = 0;
      long largest = 0;
      while (!ids.isEmpty()) {
        long left = Math.max(1, deadline - System.nanoTime());
        JsonNode m = p.next(Duration.ofNanos(left));
        if (m.has("id") && (m.has("result") || m.has("error"))) {
          assertTrue(ids.remove(m.get("id").asInt()), "answered once: " + m.get("id"));
          JsonNode page = m.at("/result/structuredContent/events");
          events += page.size();
          largest = Math.max(largest, page.size());
        }
        peakKb = Math.max(peakKb, peakRssKb(pid));
      }
      peakKb = Math.max(peakKb, peakRssKb(pid));
      System.out.printf(
          "[measure] stalled client: peak server RSS %d MiB (limit %d MiB), %d polls answered,"
              + " %d events in them, largest page %d events%n",
          peakKb / 1024, PEAK_RSS_LIMIT_KB / 1024, POLLS, events, largest);
      long bytes = 0;
      synchronized (p.stdoutLines) {
        for (String line : p.stdoutLines) {
          bytes += line.length() + 1;
        }
      }
      System.out.printf(
          "[measure] stalled client: %d MiB of stdout in all; peak RSS by the end of the stall %d"
              + " MiB%n",
          bytes >> 20, stallPeakKb / 1024);
      // the answers could not all fit in the pipe and the server's queue: the stall engaged
      assertTrue(bytes > 64L << 20, "stdout during and after the stall: " + bytes + " bytes");
      // memory stays bounded while the client does not read and while the answers drain after
      assertTrue(
          peakKb <= PEAK_RSS_LIMIT_KB,
          "peak RSS "
              + peakKb / 1024
              + " MiB (by the end of the stall "
              + stallPeakKb / 1024
              + " MiB); stderr:\n"
              + p.stderr);
      // the sessions' inboxes kept applying Codex's output while the calls waited for the client:
      // a poll of the whole log then returns a full page (they once queued every notification in
      // memory behind tool calls blocked on stdout, and the polls saw a few thousand events)
      assertTrue(largest > 10_000, "largest page after the stall: " + largest + " events");

      // the session still answers normally afterwards
      p.send(call(900, "codex_session", McpSession.args("action", "get", "sessionId", sid)));
      JsonNode get = p.response(900, Duration.ofSeconds(30));
      assertEquals(sid, get.at("/result/structuredContent/sessionId").asText(), get.toString());
    }
  }

  /** The process's peak resident set (VmHWM), in KiB. */
  static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static void initialize(ServerProcess p) throws Exception {
    ObjectNode init =
        McpSession.JSON
            .createObjectNode()
            .put("jsonrpc", "2.0")
            .put("id", 1)
            .put("method", "initialize");
    ObjectNode params = init.putObject("params");
    params.put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "stalled").put("version", "1");
    p.send(init);
    p.response(1, Duration.ofSeconds(30));
    p.send(
        McpSession.JSON
            .createObjectNode()
            .put("jsonrpc", "2.0")
            .put("method", "notifications/initialized"));
  }

  private static ObjectNode call(int id, String tool, Map<String, Object> args) {
    ObjectNode c =
        McpSession.JSON
            .createObjectNode()
            .put("jsonrpc", "2.0")
            .put("id", id)
            .put("method", "tools/call");
    c.putObject("params").put("name", tool).set("arguments", McpSession.JSON.valueToTree(args));
    return c;
  }
}
