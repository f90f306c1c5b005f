package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.LiveChildren;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.ScheduledTimer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: launcher options and process-tree termination (POSIX shells). */
@Timeout(60)
@DisabledOnOs(OS.WINDOWS)
class ProcessTreeIT {
  private final ManualTimer timer = new ManualTimer();
  private final SystemProcessLauncher launcher = new SystemProcessLauncher(timer);

  private ChildProcess sh(String script) throws IOException {
    return launcher.start(new ProcessSpec(List.of("sh", "-c", script), null, Map.of(), false));
  }

  private static String firstLine(ChildProcess c) throws IOException {
    return new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8)).readLine();
  }

  private static ProcessHandle handle(String pid) {
    return ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow();
  }

  @Test
  void appliesCwdEnvNoColorAndNullStdin(@TempDir Path dir) throws Exception {
    ChildProcess c =
        launcher.start(
            new ProcessSpec(
                List.of("sh", "-c", "pwd; echo \"$NO_COLOR $FOO\"; cat; echo done"),
                dir,
                Map.of("FOO", "bar"),
                true));
    assertNull(c.stdin());
    BufferedReader r =
        new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
    assertEquals(dir.toRealPath().toString(), r.readLine());
    assertEquals("1 bar", r.readLine());
    assertEquals("done", r.readLine(), "cat read the null device and ended at once");
    assertEquals(0, c.onExit().get(10, TimeUnit.SECONDS));
  }

  @Test
  void terminateReachesDescendantsInTheirOwnSession() throws Exception {
    try (ScheduledTimer realTimer = new ScheduledTimer()) {
      ChildProcess c =
          new SystemProcessLauncher(realTimer)
              .start(
                  new ProcessSpec(
                      List.of("sh", "-c", "setsid sleep 300 & echo $!; exec sleep 300"),
                      null,
                      Map.of(),
                      false));
      terminateAndCheck(c);
    }
  }

  private void terminateAndCheck(ChildProcess c) throws Exception {
    ProcessHandle orphanToBe = handle(firstLine(c));
    assertTrue(orphanToBe.isAlive());
    assertTrue(LiveChildren.count() >= 1);
    CompletableFuture<Void> done = c.terminate(Duration.ofSeconds(5));
    ProcessAssertions.awaitGone(orphanToBe.pid(), 10, TimeUnit.SECONDS);
    assertEquals(143, c.onExit().get(10, TimeUnit.SECONDS), "SIGTERM is reported as 128+15");
    done.get(3, TimeUnit.SECONDS); // well before the 5 s grace: nothing needed a forcible kill
    assertTrue(c.terminate(Duration.ofSeconds(5)).isDone(), "terminate is idempotent");
  }

  @Test
  void escalatesToForcibleKillAfterTheGracePeriod() throws Exception {
    ChildProcess c = sh("trap '' TERM; setsid sleep 300 & echo $!; exec sleep 300");
    ProcessHandle descendant = handle(firstLine(c));
    CompletableFuture<Void> done = c.terminate(Duration.ofSeconds(5));
    assertThrows(TimeoutException.class, () -> c.onExit().get(300, TimeUnit.MILLISECONDS));
    assertFalse(ProcessAssertions.isGone(descendant.pid()), "SIGTERM is ignored");
    assertFalse(done.isDone());
    timer.advance(Duration.ofSeconds(5));
    assertEquals(137, c.onExit().get(10, TimeUnit.SECONDS), "SIGKILL is reported as 128+9");
    ProcessAssertions.awaitGone(descendant.pid(), 10, TimeUnit.SECONDS);
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void closesStdinFirst() throws Exception {
    ChildProcess c = sh("cat >/dev/null; exec sleep 300");
    c.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
    c.stdin().flush();
    c.terminate(Duration.ofSeconds(5));
    c.onExit().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWriterBlockedOnAChildThatDoesNotReadHoldsUpNeitherTerminateNorTheKill() throws Exception {
    ChildProcess c = sh("exec sleep 300"); // never reads its stdin
    Thread writer =
        new Thread(
            () -> {
              try {
                c.stdin().write(new byte[16 << 20]); // far beyond the pipe's buffer
              } catch (IOException e) {
                // the child is gone
              }
            },
            "blocked-writer");
    writer.setDaemon(true);
    writer.start();
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      java.lang.management.ThreadInfo info =
          threads.getThreadInfo(new long[] {writer.getId()}, true, false)[0];
      if (info != null && info.getLockedMonitors().length > 0) {
        break; // inside the stream's synchronized write, blocked on the full pipe
      }
      Thread.onSpinWait();
    }
    CompletableFuture<Void> done =
        CompletableFuture.supplyAsync(() -> c.terminate(Duration.ofSeconds(5)))
            .get(5, TimeUnit.SECONDS); // terminate itself does not wait for the writer
    assertEquals(143, c.onExit().get(10, TimeUnit.SECONDS), "SIGTERM reached the child");
    timer.advance(Duration.ofSeconds(5));
    done.get(10, TimeUnit.SECONDS);
    writer.join(10_000);
    assertFalse(writer.isAlive(), "the writer was freed by the child's end");
  }
}
