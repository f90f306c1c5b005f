package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's Codex process that outlived its server (a detached app-server nobody is connected to)
 * is stopped by cancel, clean, the cleanup pass and shutdown, but never when another live server
 * drives the session.
 */
class LeftoversTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private String recoveredIdle(String id) {
    f.recovered(id, "idle", "thr_1", null, List.of());
    f.factory.survivors.add(id);
    return id;
  }

  @Test
  void cancelStopsTheLeftOverProcess() {
    String id = recoveredIdle("sess_left0000001");
    f.manager.cancel(id, null).join();
    assertEquals(List.of(id), f.factory.discarded);
  }

  @Test
  void cleanStopsTheLeftOverProcess() {
    String id = "sess_left0000002";
    f.recovered(id, "error", "thr_1", null, List.of());
    f.factory.survivors.add(id);
    f.manager.clean(new SessionRequests.Clean(null, null, false, true));
    assertEquals(List.of(id), f.factory.discarded);
  }

  @Test
  void theIdleTimeoutStopsTheLeftOverProcess() {
    String id = recoveredIdle("sess_left0000003");
    f.timer.advance(Duration.ofMinutes(31));
    f.sweep();
    assertEquals("cancelled", f.status(id));
    assertEquals(List.of(id), f.factory.discarded);
  }

  @Test
  void shutdownStopsTheProcessOfARestingSession() {
    String id = recoveredIdle("sess_left0000004");
    f.manager.closeAsync().join();
    assertEquals(List.of(id), f.factory.discarded);
  }

  @Test
  void aSessionDrivenByAnotherServerKeepsItsProcess() {
    String id = recoveredIdle("sess_left0000005");
    f.persistence.drivenElsewhere.add(id);
    // cancelling a session another server drives is refused: that server runs it
    io.github.codexmcp.util.CodexMcpException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.github.codexmcp.util.CodexMcpException.class,
            () -> f.manager.cancel(id, null).join());
    assertEquals(io.github.codexmcp.util.ErrorCode.SESSION_BUSY, e.code());
    f.manager.closeAsync().join();
    assertTrue(f.factory.discarded.isEmpty(), f.factory.discarded.toString());
  }

  @Test
  void sessionsWithoutALeftOverProcessDiscardNothing() {
    String id = f.recovered("sess_left0000006", "idle", "thr_1", null, List.of());
    f.manager.cancel(id, null).join();
    assertTrue(f.factory.discarded.isEmpty());
  }

  /** Stopping the process of a session nobody drove claims it only for the stop. */
  @Test
  void aSessionClaimedOnlyToStopItsProcessIsHandedBack() {
    io.github.codexmcp.testing.FakeSharedDisk disk =
        new io.github.codexmcp.testing.FakeSharedDisk();
    String id = "sess_left0000007";
    disk.write("A", id, io.github.codexmcp.util.Json.object().put("status", "idle"), null);
    disk.crash("A");
    io.github.codexmcp.testing.FakeBackendFactory backends =
        new io.github.codexmcp.testing.FakeBackendFactory();
    backends.survivors.add(id);
    new Leftovers(backends, disk.server("B")).stop(id).join();
    assertEquals(List.of(id), backends.discarded);
    org.junit.jupiter.api.Assertions.assertNull(disk.owner(id), "not left claimed until exit");

    // a session driven here stays held: its driver hands it back
    PersistenceHook b = disk.server("B");
    backends.survivors.add(id);
    assertTrue(b.claim(id));
    new Leftovers(backends, b).stop(id).join();
    assertEquals("B", disk.owner(id));
  }
}
