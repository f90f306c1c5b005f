package io.github.codexmcp.session;

import static io.github.codexmcp.testing.FakeCodexBackend.DESTROY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.util.CodexMcpException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cleanup pass: idle/running/approval timeouts, eviction, TTL warnings (spec 70 group V). */
class SessionJanitorTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private void advance(Duration d) {
    f.timer.advance(d);
  }

  private List<SessionEvent> ttlWarnings(String id) {
    return f.events(id).stream().filter(e -> "codex-mcp/ttl_warning".equals(e.method())).toList();
  }

  @Test
  void v1IdleSessionIsCancelledAfter30Minutes() {
    String id = f.idleSession();
    advance(Duration.ofMinutes(30));
    f.sweep();
    assertEquals("idle", f.status(id), "exactly 30 minutes is not over the limit");
    advance(Duration.ofMinutes(1));
    f.sweep();
    assertEquals("cancelled", f.status(id));
    assertEquals("Idle timeout", f.json.get(id, false).get("cancelledReason").asText());
    assertEquals(1, f.backend(id).count(DESTROY));
  }

  @Test
  void v2RunningSessionIsCancelledAfter4Hours() {
    String id = f.newSession();
    advance(Duration.ofHours(4).plusSeconds(1));
    f.sweep();
    assertEquals("Running timeout", f.json.get(id, false).get("cancelledReason").asText());
  }

  @Test
  void v3WaitingSessionIsCancelledAfter4Hours() {
    SessionFixture.Create c = f.create();
    c.approvalTimeoutMs = Duration.ofHours(10).toMillis();
    String id = c.id();
    f.commandApproval(id, 1);
    advance(Duration.ofHours(4).plusSeconds(1));
    f.sweep();
    assertEquals("cancelled", f.status(id));
    assertEquals("Approval timeout", f.json.get(id, false).get("cancelledReason").asText());
  }

  @Test
  void v4FinishedSessionsAreEvictedAfter5Minutes() {
    String err = f.newSession();
    f.notify(err, "error", "{'message':'x'}");
    String cancelled = f.newSession();
    f.manager.cancel(cancelled, null).join();
    String idle = f.idleSession();
    advance(Duration.ofMinutes(5));
    f.sweep();
    assertTrue(f.exists(err));
    advance(Duration.ofSeconds(1));
    f.sweep();
    assertFalse(f.exists(err));
    assertFalse(f.exists(cancelled));
    assertTrue(f.exists(idle));
    assertFalse(f.persistence.hasDirectory(err));
    assertFalse(f.persistence.hasDirectory(cancelled));
    assertThrows(CodexMcpException.class, () -> f.json.get(err, false));
    assertThrows(CodexMcpException.class, () -> f.poll(cancelled, null, 1));
    assertEquals(1, f.backend(err).count(DESTROY));
  }

  @Test
  void v4CancelledByTheJanitorIsEvictedFiveMinutesLater() {
    String id = f.idleSession();
    advance(Duration.ofMinutes(31));
    f.sweep();
    assertEquals("cancelled", f.status(id));
    advance(Duration.ofMinutes(5).plusSeconds(1));
    f.sweep();
    assertFalse(f.exists(id));
  }

  @Test
  void v6TtlWarningOnceBeforeTheIdleTimeout() {
    String id = f.idleSession();
    advance(Duration.ofMinutes(29).plusSeconds(30));
    f.sweep();
    List<SessionEvent> w = ttlWarnings(id);
    assertEquals(1, w.size());
    SessionEvent e = w.get(0);
    assertFalse(e.pinned());
    assertEquals(30_000, e.data().get("ttlRemainingMs").asLong());
    assertEquals("ttl_warning", e.data().get("type").asText());
    assertEquals(id, e.data().get("sessionId").asText());
    assertEquals("idle", f.status(id));
    advance(Duration.ofSeconds(10));
    f.sweep();
    assertEquals(1, ttlWarnings(id).size(), "not repeated");
  }

  @Test
  void v6NoWarningEarlierThanOneMinuteBefore() {
    String id = f.idleSession();
    advance(Duration.ofMinutes(28).plusSeconds(59));
    f.sweep();
    assertTrue(ttlWarnings(id).isEmpty());
  }

  @Test
  void v6RunningSessionsAreWarnedBeforeFourHours() {
    String id = f.newSession();
    advance(Duration.ofHours(4).minusSeconds(20));
    f.sweep();
    assertEquals(20_000, ttlWarnings(id).get(0).data().get("ttlRemainingMs").asLong());
  }

  @Test
  void v7PollingDoesNotKeepASessionAlive() {
    String id = f.idleSession();
    for (int i = 0; i < 31; i++) {
      advance(Duration.ofMinutes(1));
      f.poll(id, null, 10);
      f.json.get(id, true);
    }
    f.sweep();
    assertEquals("cancelled", f.status(id));
  }

  @Test
  void activityKeepsASessionAlive() {
    String id = f.newSession();
    advance(Duration.ofHours(3));
    f.notify(id, "turn/diff/updated", "{}");
    advance(Duration.ofHours(3));
    f.sweep();
    assertEquals("running", f.status(id));
  }

  @Test
  void v8NoTimerUntilTheJanitorIsStarted() {
    assertEquals(0, f.timer.pending());
    f.manager.startJanitor();
    assertEquals(List.of(Duration.ofSeconds(60)), f.timer.pendingDelays());
  }

  @Test
  void startedJanitorRunsEveryMinuteUntilClosed() {
    String id = f.idleSession();
    f.manager.startJanitor();
    advance(Duration.ofMinutes(32));
    assertEquals("cancelled", f.status(id));
    assertEquals(1, f.timer.pending(), "rescheduled after each pass");
    f.manager.close();
    assertEquals(0, f.timer.pending());
  }

  /** Evictions (which stop processes and delete files) run on the work pool, not the timer's. */
  @Test
  void evictionsAreHandedToTheWorkPool() {
    io.github.codexmcp.testing.ManualClock clock = new io.github.codexmcp.testing.ManualClock();
    java.util.ArrayDeque<Runnable> work = new java.util.ArrayDeque<>();
    SessionManager m =
        new SessionManager(
            new io.github.codexmcp.testing.FakeBackendFactory(
                io.github.codexmcp.codex.BackendMode.APP_SERVER),
            clock,
            new io.github.codexmcp.testing.ManualTimer(clock),
            work::add,
            new io.github.codexmcp.testing.RecordingPersistence(true),
            true,
            io.github.codexmcp.client.ClientLog.NONE,
            io.github.codexmcp.client.ClientForms.NONE,
            SessionWorkspace.DISABLED);
    String id = "sess_evicted-001";
    io.github.codexmcp.state.PersistedMeta meta =
        new io.github.codexmcp.state.PersistedMeta(
            id,
            "error",
            "2026-02-15T09:00:00.000Z",
            "2026-02-15T09:30:00.000Z",
            null,
            null,
            "thr_1",
            "o4",
            cwd.toString(),
            "on-request",
            "workspace-write",
            null);
    m.ingestRecovered(
        new io.github.codexmcp.state.RecoveredSession(
            id, meta, "error", List.of(), -1, null, null, cwd, List.of(), false));
    work.clear();
    clock.advance(Duration.ofMinutes(10));
    m.janitor.sweep();
    assertTrue(m.list().stream().anyMatch(v -> v.sessionId().equals(id)), "not on this thread");
    assertFalse(work.isEmpty());
    while (!work.isEmpty()) {
      work.poll().run();
    }
    assertFalse(m.list().stream().anyMatch(v -> v.sessionId().equals(id)), "evicted there");
  }
}
