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
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What disk persistence costs, printed with a {@code [measure]} prefix: {@code codex_check} poll
 * latency with persistence on and off (off = the state dir is a regular file), and the bytes and
 * server CPU time of persisting a 5000-delta turn. Assertions are loose bounds that only catch
 * gross regressions; the figures are the point.
 */
@Timeout(300)
class PersistenceCostIT {
  static final int WARMUP_POLLS = 200;
  static final int POLLS = 500;
  static final int DELTAS = 5000;

  static final int MEASURED_TURNS = 3;

  ScriptedModelServer model;
  CodexTestHome home;
  McpSession on;
  McpSession off;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    on = McpSession.start(home);
    Path file = home.root().resolve("state-is-a-file");
    Files.writeString(file, "x");
    off = McpSession.start(home, Map.of("CODEX_MCP_STATE_DIR", file.toString()));
  }

  @AfterEach
  void tearDown() {
    on.close();
    off.close();
    home.close();
    model.close();
  }

  /**
   * Both servers polled alternately, so that load from elsewhere and client warm-up hit both alike.
   */
  @Test
  void pollLatencyWithAndWithoutPersistence() throws Exception {
    PollTarget a = prepare(on, "on");
    PollTarget b = prepare(off, "off");
    double[] msOn = new double[POLLS];
    double[] msOff = new double[POLLS];
    for (int i = 0; i < WARMUP_POLLS + POLLS; i++) {
      double x = a.poll(i);
      double y = b.poll(i);
      if (i >= WARMUP_POLLS) {
        msOn[i - WARMUP_POLLS] = x;
        msOff[i - WARMUP_POLLS] = y;
      }
    }
    double medOn = percentile(msOn, 50);
    double medOff = percentile(msOff, 50);
    double p99On = percentile(msOn, 99);
    double p99Off = percentile(msOff, 99);
    System.out.printf(
        "[measure] codex_check poll (maxEvents:1, idle session with ~100 events, %d polls each, interleaved):"
            + " persistence on median %.3f ms p99 %.3f ms; off median %.3f ms p99 %.3f ms; ratio on/off median %.2f"
            + " p99 %.2f%n",
        POLLS, medOn, p99On, medOff, p99Off, medOn / medOff, p99On / p99Off);
    assertTrue(medOn / medOff < 2, "polls must not touch the disk");
  }

  /** An idle session of {@code m} with at least 100 buffered events, polled one event at a time. */
  private PollTarget prepare(McpSession m, String label) {
    model.enqueue(ScriptedReply.text("turn 0"));
    String sid = m.startSession(home, "turn 0").path("sessionId").asText();
    m.pollUntilIdle(sid);
    int events = eventCount(m, sid);
    for (int turn = 1; events < 100; turn++) {
      model.enqueue(ScriptedReply.text("turn " + turn));
      m.ok("codex_reply", args("sessionId", sid, "prompt", "turn " + turn));
      m.pollUntilIdle(sid);
      events = eventCount(m, sid);
    }
    JsonNode all =
        m.ok(
            "codex_check",
            args("action", "poll", "sessionId", sid, "cursor", 0, "maxEvents", 1000));
    long first = all.at("/events/0/id").asLong();
    long span = all.path("nextCursor").asLong() - first;
    System.out.printf(
        "[measure] poll latency setup (persistence %s): %d events in the idle session%n",
        label, events);
    return new PollTarget(m, sid, first, span);
  }

  record PollTarget(McpSession m, String sid, long first, long span) {
    /** One poll of one event (cycling through the buffer); its latency in ms. */
    double poll(int i) {
      Map<String, Object> a =
          args("action", "poll", "sessionId", sid, "maxEvents", 1, "cursor", first + (i % span));
      long t0 = System.nanoTime();
      JsonNode r = m.ok("codex_check", a);
      long dt = System.nanoTime() - t0;
      assertEquals(1, r.path("events").size(), r.toString());
      return dt / 1e6;
    }
  }

  private static int eventCount(McpSession m, String sid) {
    return m.ok(
            "codex_check", args("action", "poll", "sessionId", sid, "cursor", 0, "maxEvents", 1000))
        .path("events")
        .size();
  }

  @Test
  void costOfPersistingAStreamedTurn() throws Exception {
    String text = "0123456789abcdefghij".repeat(DELTAS / 10); // 2 code points per delta
    streamedTurn(on, text, true); // warm-up of both JVMs
    streamedTurn(off, text, false);
    double[] cpuOn = new double[MEASURED_TURNS];
    double[] cpuOff = new double[MEASURED_TURNS];
    double[] writer = new double[MEASURED_TURNS];
    Turn last = null;
    for (int i = 0; i < MEASURED_TURNS; i++) {
      last = streamedTurn(on, text, true);
      cpuOn[i] = last.cpuSeconds();
      writer[i] = last.writerCpuSeconds();
      cpuOff[i] = streamedTurn(off, text, false).cpuSeconds();
    }
    long bytes = Files.size(last.eventLog());
    long lines = Files.readAllLines(last.eventLog()).size();
    System.out.printf(
        "[measure] %d-delta turn: events.jsonl %d bytes, %d lines (%.0f bytes/line); server CPU for the turn (median"
            + " of %d) %.3f s with persistence, %.3f s without; state writer thread %.3f s (10 ms tick resolution)%n",
        DELTAS,
        bytes,
        lines,
        (double) bytes / lines,
        MEASURED_TURNS,
        percentile(cpuOn, 50),
        percentile(cpuOff, 50),
        percentile(writer, 50));
    assertTrue(lines >= DELTAS, "every delta gets its own log line: " + lines);
  }

  record Turn(double cpuSeconds, double writerCpuSeconds, Path eventLog) {}

  /**
   * One {@value #DELTAS}-delta turn on a new session of {@code m}; the server's CPU time for it.
   */
  private Turn streamedTurn(McpSession m, String text, boolean persistence) throws Exception {
    model.enqueue(ScriptedReply.streamedText(text, DELTAS));
    long pid = m.serverProcess().pid();
    double before = Procs.cpuSeconds(pid);
    double writerBefore = Procs.threadCpuSeconds(pid, "codex-mcp-state");
    String sid = m.startSession(home, "stream").path("sessionId").asText();
    awaitIdle(m, sid);
    Path log = home.root().resolve("state/sessions").resolve(sid).resolve("events.jsonl");
    if (persistence) {
      // The last batch reaches the disk within 100 ms of the turn's end.
      assertTrue(Procs.await(() -> Files.exists(log) && logHasResult(log), Duration.ofSeconds(5)));
    } else {
      Thread.sleep(150);
    }
    double cpu = Procs.cpuSeconds(pid) - before;
    double writer = Procs.threadCpuSeconds(pid, "codex-mcp-state") - writerBefore;
    JsonNode r =
        m.ok("codex_check", args("action", "poll", "sessionId", sid, "responseMode", "full"));
    assertEquals(text, r.at("/result/text").asText());
    return new Turn(cpu, writer, log);
  }

  /**
   * Waits for idle with cheap {@code get} calls, so that polling does not dominate the CPU figure.
   */
  private static void awaitIdle(McpSession m, String sid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if ("idle"
          .equals(
              m.ok("codex_session", args("action", "get", "sessionId", sid))
                  .path("status")
                  .asText())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("turn did not finish\n" + m.stderr);
  }

  private static boolean logHasResult(Path log) {
    try {
      return Files.readString(log).contains("\"type\":\"result\"");
    } catch (Exception e) {
      return false;
    }
  }

  static double percentile(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    int idx = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, idx))];
  }
}
