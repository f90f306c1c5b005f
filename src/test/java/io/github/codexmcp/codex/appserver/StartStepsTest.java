package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.testing.ManualTimer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wait for a launched app-server's socket. */
class StartStepsTest {
  @TempDir Path dir;

  /**
   * An app-server that ended before it listened is reported at the next look, also while it is a
   * zombie nobody has reaped yet: it is not our child, and the JDK calls a zombie alive.
   * Regression: the look asked {@code isAlive()} and waited for the listen timeout.
   */
  @Test
  void anAppServerThatEndedIsReportedEvenAsAZombie() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "reads /proc");
    // the background child ends once its parent has become a sleep that never reaps it (ending
    // sooner, the shell could reap it before its exec: the test would have no zombie to look at)
    Process parent =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "(while [ \"$(cat /proc/$$/comm)\" != sleep ]; do :; done) & echo $!;"
                    + " exec sleep 300")
            .redirectErrorStream(true)
            .start();
    try {
      long pid = Long.parseLong(readLine(parent));
      ProcessHandle zombie = ProcessHandle.of(pid).orElseThrow();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ProcessTree.isRunning(zombie) && System.nanoTime() < until) {
        Thread.onSpinWait(); // `true` is on its way out
      }
      assertTrue(zombie.isAlive(), "the JDK calls a zombie alive");
      ManualTimer timer = new ManualTimer();
      CompletableFuture<Exception> failed = new CompletableFuture<>();
      new StartSteps.SocketWait(
              zombie,
              dir.resolve("never.sock"),
              dir.resolve("app-server.log"),
              Duration.ofSeconds(20),
              timer,
              () -> false,
              () -> false,
              () -> {
                throw new AssertionError("nothing to connect to");
              },
              endpoint -> {},
              failed::complete,
              new CompletableFuture<>())
          .begin();
      assertTrue(failed.isDone(), "the first look reports it");
      assertEquals(
          "app-server exited before listening; see " + dir.resolve("app-server.log"),
          failed.get().getMessage());
      assertEquals(0, timer.pending(), "no further look");
    } finally {
      parent.destroyForcibly();
    }
  }

  private static String readLine(Process p) throws Exception {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = p.getInputStream().read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return line.toString().trim();
  }
}
