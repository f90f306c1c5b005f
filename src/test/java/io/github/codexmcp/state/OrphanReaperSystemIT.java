package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a child recorded in pid.json by one store is reaped after a "restart". */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrphanReaperSystemIT {
  @TempDir Path tmp;

  @Test
  void reapsARealChildAndItsDescendantAfterRestart() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isDirectory(Path.of("/proc")));
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    Process shell = new ProcessBuilder("/bin/sh", "-c", "sleep 60 & wait").start();
    ProcessHandle grandchild = null;
    try {
      for (int i = 0; i < 200 && shell.toHandle().children().findAny().isEmpty(); i++) {
        Thread.sleep(10); // wait for the shell to fork its sleep
      }
      grandchild = shell.toHandle().children().findFirst().orElseThrow();

      StateStore first = JsonFileStateStore.open(tmp, SystemClock.INSTANCE);
      assertInstanceOf(JsonFileStateStore.class, first);
      first.savePid(
          "sess_sleep",
          sleeper.pid(),
          sleeper.toHandle().info().startInstant().orElseThrow(),
          null);
      first.savePid(
          "sess_shell", shell.pid(), shell.toHandle().info().startInstant().orElseThrow(), null);
      first.saveMeta(JsonFileStateStoreTest.meta("sess_sleep", "running"));
      first.saveMeta(JsonFileStateStoreTest.meta("sess_shell", "running"));
      first.close(); // the "crash": children stay alive

      try (StateStore second = JsonFileStateStore.open(tmp, SystemClock.INSTANCE);
          ScheduledTimer timer = new ScheduledTimer()) {
        List<RecoveredSession> rec = second.recover();
        assertEquals(2, rec.size());
        long t0 = System.nanoTime();
        OrphanReaper.Summary s =
            new OrphanReaper(ProcessTable.system(), timer).reap(rec).get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(new OrphanReaper.Summary(2, 0, 0, 0), s);
        assertTrue(ms < 5_000, "reaped within 5 s, took " + ms + " ms");
        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS));
        assertTrue(shell.waitFor(5, TimeUnit.SECONDS));
        assertTrue(
            ProcessTable.system().lookup(grandchild.pid()).isEmpty(), "descendant stopped too");
      }
    } finally {
      sleeper.destroyForcibly();
      shell.destroyForcibly();
      if (grandchild != null) {
        grandchild.destroyForcibly();
      }
    }
  }

  @Test
  void liveProcessThatIsNotOursSurvives() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    try (ScheduledTimer timer = new ScheduledTimer()) {
      PidRecord stale = new PidRecord(other.pid(), "2020-01-01T00:00:00Z", null, null, null);
      RecoveredSession r =
          new RecoveredSession(
              "sess_x",
              JsonFileStateStoreTest.meta("sess_x", "error"),
              "running",
              List.of(),
              -1,
              null,
              stale,
              tmp);
      OrphanReaper.Summary s =
          new OrphanReaper(ProcessTable.system(), timer).reap(List.of(r)).get(10, TimeUnit.SECONDS);
      assertEquals(new OrphanReaper.Summary(0, 0, 1, 0), s);
      assertFalse(other.waitFor(200, TimeUnit.MILLISECONDS));
      assertTrue(other.isAlive());
    } finally {
      other.destroyForcibly();
    }
  }
}
