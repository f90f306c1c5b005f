package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualTimer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrphanReaperTest {
  static final Instant SPAWN = Instant.parse("2026-02-15T10:00:00.000Z");
  static final String CODEX = "/usr/local/bin/codex";

  final FakeProcessTable table = new FakeProcessTable();
  final ManualTimer timer = new ManualTimer();
  final OrphanReaper reaper = new OrphanReaper(table, timer);

  static RecoveredSession session(String id, PidRecord pid) {
    return new RecoveredSession(
        id,
        JsonFileStateStoreTest.meta(id, "error"),
        "running",
        List.of(),
        -1,
        null,
        pid,
        Path.of("/nowhere"));
  }

  static PidRecord pid(long pid, String spawnedAt, String startedAt, String exe) {
    return new PidRecord(pid, spawnedAt, "gpt-5", startedAt, exe);
  }

  OrphanReaper.Summary run(RecoveredSession... sessions) {
    CompletableFuture<OrphanReaper.Summary> f = reaper.reap(List.of(sessions));
    assertFalse(f.isDone() && sessions.length > 0, "nothing happens on the caller thread");
    timer.advance(Duration.ofSeconds(10));
    assertTrue(f.isDone());
    assertEquals(0, timer.pending());
    return f.join();
  }

  @Test
  void deadPidIsCountedAndNotSignalled() {
    var s = run(session("sess_a", pid(100, SPAWN.toString(), null, null)));
    assertEquals(new OrphanReaper.Summary(0, 1, 0, 0), s);
    assertEquals(List.of(), table.signals());
  }

  @Test
  void reusedPidWithDifferentStartTimeIsNotKilled() {
    table.add(100, 1, SPAWN.plusSeconds(6), CODEX, false);
    var s = run(session("sess_a", pid(100, SPAWN.toString(), null, null)));
    assertEquals(new OrphanReaper.Summary(0, 0, 1, 0), s);
    assertEquals(List.of(), table.signals());
  }

  @Test
  void recordedOsStartTimeWinsOverSpawnedAt() {
    table.add(100, 1, SPAWN.plusSeconds(3), CODEX, false);
    // spawnedAt alone would match (3 s), but the OS start time recorded at spawn says otherwise
    var s =
        run(
            session(
                "sess_a", pid(100, SPAWN.toString(), SPAWN.minusSeconds(60).toString(), CODEX)));
    assertEquals(1, s.skipped());
    assertEquals(List.of(), table.signals());
  }

  @Test
  void differentExecutableIsNotKilled() {
    table.add(100, 1, SPAWN, "/usr/bin/postgres", false);
    var s = run(session("sess_a", pid(100, SPAWN.toString(), SPAWN.toString(), CODEX)));
    assertEquals(1, s.skipped());
    assertEquals(List.of(), table.signals());
  }

  @Test
  void unparseableSpawnedAtOrUnknownStartTimeIsNotKilled() {
    table.add(100, 1, SPAWN, CODEX, false);
    table.add(101, 1, null, CODEX, false);
    var s =
        run(
            session("sess_a", pid(100, "yesterday", null, null)),
            session("sess_b", pid(101, SPAWN.toString(), null, null)));
    assertEquals(new OrphanReaper.Summary(0, 0, 2, 0), s);
    assertEquals(List.of(), table.signals());
  }

  @Test
  void ownPidIsNeverSignalled() {
    table.self = 100;
    table.add(100, 1, SPAWN, CODEX, false);
    assertEquals(1, run(session("sess_a", pid(100, SPAWN.toString(), null, null))).skipped());
    assertEquals(List.of(), table.signals());
  }

  @Test
  void matchingProcessIsTerminatedWithItsDescendants() {
    table.add(100, 1, SPAWN.plusMillis(40), CODEX, false);
    table.add(200, 100, SPAWN.plusSeconds(1), "/bin/bash", false);
    table.add(300, 200, SPAWN.plusSeconds(2), "/usr/bin/rg", false);
    table.add(400, 1, SPAWN, "/bin/unrelated", false);
    var s = run(session("sess_a", pid(100, SPAWN.toString(), null, null)));
    assertEquals(new OrphanReaper.Summary(1, 0, 0, 0), s);
    assertEquals(List.of("TERM 100", "TERM 200", "TERM 300"), table.signals());
    assertTrue(table.procs.get(400L).alive);
  }

  @Test
  void processIgnoringTerminateIsKilledAfterTheGracePeriod() {
    table.add(100, 1, SPAWN, CODEX, true);
    table.add(200, 100, SPAWN, "/bin/sh", true);
    CompletableFuture<OrphanReaper.Summary> f =
        reaper.reap(
            List.of(session("sess_a", pid(100, SPAWN.toString(), SPAWN.toString(), CODEX))));
    timer.advance(Duration.ZERO);
    assertEquals(List.of("TERM 100", "TERM 200"), table.signals());
    timer.advance(Duration.ofMillis(4_999));
    assertFalse(f.isDone());
    assertEquals(2, table.signals().size(), "no kill inside the grace period");
    timer.advance(Duration.ofMillis(1));
    assertEquals(List.of("TERM 100", "TERM 200", "KILL 100", "KILL 200"), table.signals());
    timer.advance(Duration.ofMillis(500));
    assertEquals(new OrphanReaper.Summary(1, 0, 0, 0), f.join());
  }

  @Test
  void sessionsWithoutPidFileAreNotCandidates() {
    table.add(100, 1, SPAWN, CODEX, false);
    CompletableFuture<OrphanReaper.Summary> f = reaper.reap(List.of(session("sess_a", null)));
    assertTrue(f.isDone());
    assertEquals(new OrphanReaper.Summary(0, 0, 0, 0), f.join());
    assertEquals(0, timer.pending());
  }

  @Test
  void candidatesAreHandledIndependently() {
    table.add(100, 1, SPAWN, CODEX, false);
    table.add(101, 1, SPAWN.plusSeconds(30), CODEX, false);
    var s =
        run(
            session("sess_a", pid(100, SPAWN.toString(), null, null)),
            session("sess_b", pid(101, SPAWN.toString(), null, null)),
            session("sess_c", pid(102, SPAWN.toString(), null, null)));
    assertEquals(new OrphanReaper.Summary(1, 1, 1, 0), s);
  }
}
