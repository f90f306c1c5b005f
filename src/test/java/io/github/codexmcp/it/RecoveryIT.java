package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server killed with SIGKILL mid-turn: the next server on the same state directory recovers the
 * session (as {@code error}, with its events and the last completed result) and stops the Codex
 * process and the command the dead server left behind.
 */
@Timeout(180)
class RecoveryIT {
  static final String RESTART_REASON = "Server restarted while session was active";
  ScriptedModelServer model;
  CodexTestHome home;
  McpSession first;
  McpSession second;
  final List<Long> leftovers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
  }

  @AfterEach
  void tearDown() {
    for (McpSession m : new McpSession[] {first, second}) {
      if (m != null) {
        m.close();
      }
    }
    leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    home.close();
    model.close();
  }

  /** SIGKILL of the server: codex sees its stdin close and exits with its command. */
  @Test
  void killedServerIsRecoveredAndItsOrphansAreGone() throws Exception {
    killAndRestart(1731, false);
  }

  /**
   * As above, but the app-server's stdin is held open by this test, so codex never notices that its
   * parent died (as when another process shares the pipe): the new server's orphan reaper must stop
   * it and the command it started.
   */
  @Test
  void orphanThatOutlivesItsServerIsReapedByTheNextServer() throws Exception {
    killAndRestart(1732, true);
  }

  private void killAndRestart(int sleepSeconds, boolean holdStdin) throws Exception {
    first = McpSession.start(home);
    model.enqueue(ScriptedReply.text("first turn result 4c1e"));
    String sid = first.startSession(home, "first turn").path("sessionId").asText();
    McpSession.Polled turn1 = first.pollUntilIdle(sid);
    assertEquals("first turn result 4c1e", turn1.last().at("/result/text").asText());

    String sleepCmd = "sleep " + sleepSeconds;
    model.enqueue(ScriptedReply.longCommand(sleepSeconds));
    first.ok("codex_reply", args("sessionId", sid, "prompt", "second turn"));
    assertTrue(
        Procs.await(() -> !Procs.withCommandLine(sleepCmd).isEmpty(), Duration.ofSeconds(60)),
        "command never started");
    first.pollUntil(
        sid, r -> r.path("events").toString().contains("commandExecution"), Duration.ofSeconds(30));

    ProcessHandle server = first.serverProcess();
    List<ProcessHandle> appServers = Procs.appServersUnder(server);
    assertEquals(1, appServers.size(), appServers.toString());
    long appServerPid = appServers.get(0).pid();
    List<Long> sleeps = Procs.withCommandLine(sleepCmd).stream().map(ProcessHandle::pid).toList();
    leftovers.add(appServerPid);
    leftovers.addAll(sleeps);
    Path sessionDir = home.root().resolve("state/sessions").resolve(sid);
    assertTrue(
        Procs.await(() -> pidRecorded(sessionDir, appServerPid), Duration.ofSeconds(5)),
        "pid.json does not name the app-server");
    Thread.sleep(300); // let the 100 ms event-log batch reach the disk

    JsonNode recoveredEvents;
    // A second writer on the app-server's stdin pipe keeps it from seeing end of input.
    try (OutputStream held =
        holdStdin ? new FileOutputStream("/proc/" + appServerPid + "/fd/0") : null) {
      server.destroyForcibly(); // SIGKILL: no shutdown hook runs
      server.onExit().get(10, TimeUnit.SECONDS);
      first.close();
      first = null;
      if (holdStdin) {
        Thread.sleep(1000);
        assertTrue(Procs.alive(appServerPid), "app-server died although its stdin is held open");
        assertTrue(
            sleeps.stream().allMatch(Procs::alive), "command died although the app-server lives");
      }
      String afterKill =
          "after kill: app-server "
              + Procs.describe(appServerPid)
              + "; sleeps "
              + sleeps.stream().map(Procs::describe).collect(Collectors.joining(", "));
      System.out.println("[recovery] " + afterKill);

      long restartedAt = System.nanoTime();
      second = McpSession.start(home);
      JsonNode list = second.ok("codex_session", args("action", "list"));
      JsonNode listed = find(list.path("sessions"), sid);
      assertEquals("error", listed.path("status").asText(), list.toString());
      JsonNode got = second.ok("codex_session", args("action", "get", "sessionId", sid));
      assertEquals(RESTART_REASON, got.path("cancelledReason").asText(), got.toString());

      JsonNode poll =
          second.ok(
              "codex_check",
              args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
      assertEquals("error", poll.path("status").asText(), poll.toString());
      assertEquals("first turn result 4c1e", poll.at("/result/text").asText(), poll.toString());
      String events = poll.path("events").toString();
      assertTrue(poll.path("events").size() >= turn1.events().size(), "events lost: " + poll);
      assertTrue(
          events.contains("first turn result 4c1e"), "first turn's events missing: " + events);
      assertTrue(
          events.contains("commandExecution"), "second turn's command events missing: " + events);
      assertIdsIncrease(poll.path("events"));
      recoveredEvents = poll.path("events");

      boolean reaped =
          Procs.await(
              () -> !Procs.alive(appServerPid) && sleeps.stream().noneMatch(Procs::alive),
              Duration.ofSeconds(5).minusNanos(System.nanoTime() - restartedAt));
      long goneMs = (System.nanoTime() - restartedAt) / 1_000_000;
      assertTrue(
          reaped,
          "orphans alive 5 s after restart: app-server "
              + Procs.describe(appServerPid)
              + "; sleeps "
              + sleeps.stream().map(Procs::describe).collect(Collectors.joining(", "))
              + "\n"
              + afterKill
              + "\nserver stderr:\n"
              + second.stderr);
      System.out.printf(
          "[measure] recovery (stdin held: %s): orphans gone %d ms after the new server started%n",
          holdStdin, goneMs);
    }

    // A new poll continues after the recovered events (continuing it: ContinuityIT).
    JsonNode again =
        second.ok("codex_check", args("action", "poll", "sessionId", sid, "maxEvents", 1000));
    assertEquals(0, again.path("events").size(), again.toString());
    if (!holdStdin) {
      cancelAndRestartAgain(sid, recoveredEvents);
    }
  }

  /**
   * A recovered session can still be cancelled; the log continues after the recovered events, so a
   * third server sees every event once, in order, with the cancellation last.
   */
  private void cancelAndRestartAgain(String sid, JsonNode recoveredEvents) throws Exception {
    JsonNode cancel = second.ok("codex_session", args("action", "cancel", "sessionId", sid));
    assertTrue(cancel.path("success").asBoolean(), cancel.toString());
    JsonNode afterCancel =
        second.ok(
            "codex_check",
            args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
    long lastRecoveredId = recoveredEvents.get(recoveredEvents.size() - 1).path("id").asLong();
    assertTrue(afterCancel.at("/events/0/id").asLong() > lastRecoveredId, afterCancel.toString());
    second.closeAndWait();
    second = null;

    McpSession third = McpSession.start(home);
    second = third;
    JsonNode got = third.ok("codex_session", args("action", "get", "sessionId", sid));
    assertEquals("cancelled", got.path("status").asText(), got.toString());
    JsonNode poll =
        third.ok(
            "codex_check",
            args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
    JsonNode events = poll.path("events");
    assertIdsIncrease(events);
    assertEquals(
        recoveredEvents.size() + afterCancel.path("events").size(), events.size(), poll.toString());
    assertEquals(
        afterCancel.path("events").toString(),
        tail(events, afterCancel.path("events").size()).toString());
    assertEquals("cancelled", poll.at("/result/status").asText(), poll.toString());
  }

  private static JsonNode tail(JsonNode array, int n) {
    com.fasterxml.jackson.databind.node.ArrayNode out = McpSession.JSON.createArrayNode();
    for (int i = array.size() - n; i < array.size(); i++) {
      out.add(array.get(i));
    }
    return out;
  }

  private static boolean pidRecorded(Path sessionDir, long pid) {
    try {
      return McpSession.JSON
              .readTree(Files.readString(sessionDir.resolve("pid.json")))
              .path("pid")
              .asLong()
          == pid;
    } catch (Exception e) {
      return false;
    }
  }

  static JsonNode find(JsonNode sessions, String sid) {
    for (JsonNode s : sessions) {
      if (sid.equals(s.path("sessionId").asText())) {
        return s;
      }
    }
    throw new AssertionError(sid + " not listed: " + sessions);
  }

  private static void assertIdsIncrease(JsonNode events) {
    long prev = -1;
    for (JsonNode e : events) {
      long id = e.path("id").asLong(-1);
      assertTrue(id > prev, "event ids not increasing: " + events);
      prev = id;
    }
    assertFalse(events.isEmpty());
  }
}
