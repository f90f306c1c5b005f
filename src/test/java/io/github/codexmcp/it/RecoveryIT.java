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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server killed with SIGKILL mid-turn. Its turn's detached Codex goes on, and the next server on
 * the same state directory re-attaches the session (still running, with its events and the last
 * completed result), which can then be cancelled; when the detached Codex cannot be re-attached
 * (its runtime record is gone), the session is recovered as {@code error} and the orphan reaper
 * stops the Codex process and the command the dead server left behind.
 */
@Timeout(180)
class RecoveryIT {
  static final String RESTART_REASON = "Server restarted while session was active";
  ScriptedModelServer model;
  CodexTestHome home;
  Path runtime;
  McpSession first;
  McpSession second;
  final List<Long> leftovers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    runtime = Files.createDirectories(home.root().resolve("run"));
  }

  private McpSession start() {
    return McpSession.start(home, java.util.Map.of("XDG_RUNTIME_DIR", runtime.toString()));
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

  /** SIGKILL of the server: its turn goes on and the next server re-attaches it. */
  @Test
  void killedServerIsRecoveredAndItsTurnReattached() throws Exception {
    killAndRestart(1731, true);
  }

  /**
   * As above, but the record of the detached app-server is lost (a cleared runtime directory), so
   * the next server cannot re-attach it: the session ends in error and the orphan reaper stops the
   * app-server and the command it started.
   */
  @Test
  void orphanThatCannotBeReattachedIsReapedByTheNextServer() throws Exception {
    killAndRestart(1732, false);
  }

  private void killAndRestart(int sleepSeconds, boolean reattachable) throws Exception {
    first = start();
    model.enqueue(ScriptedReply.text("first turn result 4c1e"));
    String sid = first.startSession(home, "first turn").path("sessionId").asText();
    McpSession.Polled turn1 = first.pollUntilIdle(sid);
    assertEquals("first turn result 4c1e", turn1.last().at("/result/text").asText());

    String sleepCmd = "sleep " + sleepSeconds;
    model.enqueue(ScriptedReply.longCommand(sleepSeconds));
    // Codex hands a running command back to the model after 30 s at most: the model's next answer
    // is held, so the turn still runs after the restart however long the machine takes
    model.enqueue(
        ScriptedReply.gated(new CompletableFuture<>(), ScriptedReply.text("never answered")));
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
    Path eventLog = sessionDir.resolve("events.jsonl");
    assertTrue(
        Procs.await(() -> logged(eventLog, "commandExecution"), Duration.ofSeconds(10)),
        "the command's events never reached " + eventLog); // written in 100 ms batches

    JsonNode recoveredEvents;
    server.destroyForcibly(); // SIGKILL: no shutdown hook runs
    server.onExit().get(10, TimeUnit.SECONDS);
    first.close();
    first = null;
    Thread.sleep(500);
    assertTrue(Procs.alive(appServerPid), "the turn's detached app-server outlives its server");
    assertTrue(sleeps.stream().allMatch(Procs::alive), "the turn's command outlives the server");
    if (!reattachable) {
      try (var files = Files.walk(runtime)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (f.getFileName().toString().startsWith(sid)) {
            Files.delete(f); // record and log: nothing says which process it was
          }
        }
      }
      try (var files = Files.walk(runtime)) {
        for (Path f : files.toList()) {
          if (f.getFileName().toString().equals(sid + ".sock")) {
            Files.delete(f);
          }
        }
      }
    }
    String afterKill =
        "after kill: app-server "
            + Procs.describe(appServerPid)
            + "; sleeps "
            + sleeps.stream().map(Procs::describe).collect(Collectors.joining(", "));
    System.out.println("[recovery] " + afterKill);

    long restartedAt = System.nanoTime();
    second = start();
    JsonNode list = second.ok("codex_session", args("action", "list"));
    JsonNode listed = find(list.path("sessions"), sid);
    assertEquals(
        reattachable ? "running" : "error", listed.path("status").asText(), list.toString());
    JsonNode got = second.ok("codex_session", args("action", "get", "sessionId", sid));
    if (reattachable) {
      assertFalse(got.has("cancelledReason"), got.toString());
    } else {
      assertEquals(RESTART_REASON, got.path("cancelledReason").asText(), got.toString());
    }

    JsonNode poll =
        second.ok(
            "codex_check",
            args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
    assertEquals(listed.path("status").asText(), poll.path("status").asText(), poll.toString());
    if (!reattachable) { // a running session shows no result
      assertEquals("first turn result 4c1e", poll.at("/result/text").asText(), poll.toString());
    }
    String events = poll.path("events").toString();
    assertTrue(poll.path("events").size() >= turn1.events().size(), "events lost: " + poll);
    assertTrue(events.contains("first turn result 4c1e"), "first turn's events missing: " + events);
    assertTrue(
        events.contains("commandExecution"), "second turn's command events missing: " + events);
    assertIdsIncrease(poll.path("events"));
    recoveredEvents = poll.path("events");

    if (reattachable) {
      Thread.sleep(1000);
      assertTrue(Procs.alive(appServerPid), "the re-attached app-server runs on");
      assertTrue(sleeps.stream().allMatch(Procs::alive), "its command runs on");
    } else {
      boolean reaped =
          Procs.await(
              () -> !Procs.alive(appServerPid) && sleeps.stream().noneMatch(Procs::alive),
              Duration.ofSeconds(30).minusNanos(System.nanoTime() - restartedAt));
      long goneMs = (System.nanoTime() - restartedAt) / 1_000_000;
      assertTrue(
          reaped,
          "orphans alive 30 s after restart: app-server "
              + Procs.describe(appServerPid)
              + "; sleeps "
              + sleeps.stream().map(Procs::describe).collect(Collectors.joining(", "))
              + "\n"
              + afterKill
              + "\nserver stderr:\n"
              + second.stderr);
      System.out.printf(
          "[measure] recovery: orphans gone %d ms after the new server started%n", goneMs);
    }

    // A new poll continues after the recovered events (continuing it: ContinuityIT).
    JsonNode again =
        second.ok("codex_check", args("action", "poll", "sessionId", sid, "maxEvents", 1000));
    assertEquals(0, again.path("events").size(), again.toString());
    cancelAndRestartAgain(sid, recoveredEvents, reattachable ? appServerPid : -1, sleeps);
  }

  /**
   * A recovered session can still be cancelled; the log continues after the recovered events, so a
   * third server sees every event once, in order, with the cancellation last.
   */
  private void cancelAndRestartAgain(
      String sid, JsonNode recoveredEvents, long appServerPid, List<Long> sleeps) throws Exception {
    JsonNode cancel = second.ok("codex_session", args("action", "cancel", "sessionId", sid));
    assertTrue(cancel.path("success").asBoolean(), cancel.toString());
    assertTrue(
        Procs.await(
            () -> !Procs.alive(appServerPid) && sleeps.stream().noneMatch(Procs::alive),
            Duration.ofSeconds(10)),
        "cancel left the app-server or its command running: " + Procs.describe(appServerPid));
    JsonNode afterCancel =
        second.ok(
            "codex_check",
            args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
    long lastRecoveredId = recoveredEvents.get(recoveredEvents.size() - 1).path("id").asLong();
    assertTrue(afterCancel.at("/events/0/id").asLong() > lastRecoveredId, afterCancel.toString());
    second.closeAndWait();
    second = null;

    McpSession third = start();
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

  private static boolean logged(Path log, String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (java.io.IOException e) {
      return false; // not written yet
    }
  }
}
