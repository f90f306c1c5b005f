package io.github.codexmcp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.ScheduledTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real process trees (POSIX shells): when {@link ProcessTree#terminate} reports completion. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessTreeSettleIT {

  /**
   * The root dies at once, a descendant only half a second later (it traps SIGTERM). Completion
   * must follow that descendant's exit, not wait for the forcible kill after the grace period
   * (regression: the descendants were checked once, when the root exited, and a descendant still
   * exiting or a zombie not yet reaped then made every stop last the full grace period).
   */
  @Test
  void completesWhenTheLastDescendantExitsAfterTheRoot() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isDirectory(Path.of("/proc")));
    Process root =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "/bin/sh -c 'trap \"sleep 0.5; exit 0\" TERM; sleep 300 & wait' & wait")
            .start();
    try (ScheduledTimer timer = new ScheduledTimer()) {
      awaitDescendants(root, 2);
      List<ProcessHandle> tree = root.descendants().toList();
      long t0 = System.nanoTime();
      ProcessTree.terminate(root.toHandle(), root.getOutputStream(), Duration.ofSeconds(20), timer)
          .get(15, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // about 0.5 s (the trap's sleep); the grace it must not wait for is 20 s
      assertTrue(ms < 10_000, "completion waited for the grace period: " + ms + " ms");
      assertFalse(root.isAlive());
      for (ProcessHandle h : tree) {
        assertFalse(ProcessTree.running(h), "still running: " + h.pid());
      }
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
    }
  }

  /** A tree ignoring SIGTERM is killed at once when shutdown ends the grace periods early. */
  @Test
  void forceKillAllInGraceEndsTheGracePeriodOfAHungTree() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isDirectory(Path.of("/proc")));
    Process root = new ProcessBuilder("/bin/sh", "-c", "trap '' TERM; sleep 300 & wait").start();
    try (ScheduledTimer timer = new ScheduledTimer()) {
      awaitDescendants(root, 1);
      List<ProcessHandle> tree = root.descendants().toList();
      CompletableFuture<Void> stop =
          ProcessTree.terminate(
              root.toHandle(), root.getOutputStream(), Duration.ofSeconds(60), timer);
      Thread.sleep(500);
      assertFalse(stop.isDone(), "the tree ignores SIGTERM");
      assertTrue(ProcessTree.forceKillAllInGrace() >= 1);
      stop.get(2, TimeUnit.SECONDS);
      assertTrue(root.waitFor(2, TimeUnit.SECONDS));
      // A killed grandchild stays a zombie until PID 1 reaps it, so onExit() may lag: ask
      // whether it still runs instead.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      for (ProcessHandle h : tree) {
        while (ProcessTree.running(h) && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertFalse(ProcessTree.running(h), "still running: " + h.pid());
      }
      assertEquals(0, ProcessTree.forceKillAllInGrace(), "completed terminations are forgotten");
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
    }
  }

  @Test
  void aZombieCountsAsExited() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isDirectory(Path.of("/proc")));
    // The exec'd sleep never reaps its short-lived child, which stays a zombie.
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 0.1 & exec sleep 30").start();
    try {
      awaitDescendants(p, 1);
      ProcessHandle child = p.descendants().findFirst().orElseThrow();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ProcessTree.running(child) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(child.isAlive(), "the JDK reports a zombie as alive");
      assertFalse(ProcessTree.running(child));
      assertTrue(ProcessTree.running(p.toHandle()));
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * A root that is not our child (a detached app-server) is watched by the settle polls on the
   * injected timer: its end completes the stop at the next poll. Regression: the stop waited for
   * the JDK's exit report, which for a stranger comes from a polling thread of the JDK's, 300 ms
   * apart at first and slower later.
   */
  @Test
  void aRootThatIsNotOurChildIsWatchedByTheSettlePolls() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isDirectory(Path.of("/proc")));
    Process sh =
        new ProcessBuilder("/bin/sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!")
            .redirectErrorStream(true)
            .start();
    long pid = Long.parseLong(new String(sh.getInputStream().readAllBytes()).trim());
    assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
    ProcessHandle stranger = ProcessHandle.of(pid).orElseThrow();
    try {
      assertFalse(ProcessTree.isOurChild(stranger));
      assertTrue(
          ProcessTree.isOurChild(
              ProcessHandle.current()
                  .children()
                  .findAny()
                  .orElse(new ProcessBuilder("sleep", "300").start().toHandle())));
      ManualTimer timer = new ManualTimer();
      CompletableFuture<Void> stop =
          ProcessTree.terminate(stranger, null, Duration.ofHours(1), timer);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ProcessTree.running(stranger) && System.nanoTime() < deadline) {
        Thread.sleep(5); // SIGTERM ends sleep; it stays a zombie until its new parent reaps it
      }
      assertFalse(ProcessTree.running(stranger), "SIGTERM was sent");
      timer.advance(ProcessTree.SETTLE_POLL);
      assertTrue(stop.isDone(), "the first settle poll after its end completes the stop");
      assertEquals(0, timer.pending(), "the forcible kill is cancelled");
    } finally {
      stranger.destroyForcibly();
      ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void awaitDescendants(Process root, int n) throws InterruptedException {
    for (int i = 0; i < 500 && root.descendants().count() < n; i++) {
      Thread.sleep(10);
    }
    assertTrue(root.descendants().count() >= n, "tree not started");
  }
}
