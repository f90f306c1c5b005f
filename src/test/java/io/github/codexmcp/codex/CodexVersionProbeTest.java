package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.process.CommandRunner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CodexVersionProbeTest {
  static CommandRunner.Result printed(String out) {
    return new CommandRunner.Result(0, out, "", false, null);
  }

  @Test
  void parsesTheVersionAndRunsTheCommandOnce() {
    AtomicInteger runs = new AtomicInteger();
    CodexVersionProbe p =
        new CodexVersionProbe(
            (argv, env, timeout) -> {
              runs.incrementAndGet();
              assertEquals(List.of("/bin/codex", "--version"), argv);
              return printed("codex-cli 0.171.0\n");
            },
            List.of("/bin/codex"));
    assertEquals("0.171.0", p.get());
    assertEquals("0.171.0", p.get());
    assertEquals(1, runs.get());
  }

  @Test
  void aFailedProbeIsCachedAsUnknown() {
    AtomicInteger runs = new AtomicInteger();
    CodexVersionProbe p =
        new CodexVersionProbe(
            (argv, env, timeout) -> {
              runs.incrementAndGet();
              throw new IllegalStateException("no codex");
            },
            List.of("/bin/codex"));
    assertNull(p.get());
    assertNull(p.get());
    assertEquals(1, runs.get());
  }

  /**
   * Regression: the command ran under the probe's monitor, a lock held across a call into Codex.
   */
  @Test
  void theCommandRunsWithNoLockHeldAndOthersWaitForItsAnswer() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    CodexVersionProbe[] self = new CodexVersionProbe[1];
    boolean[] heldMonitor = new boolean[1];
    self[0] =
        new CodexVersionProbe(
            (argv, env, timeout) -> {
              runs.incrementAndGet();
              heldMonitor[0] = Thread.holdsLock(self[0]);
              entered.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return printed("codex-cli 0.169.0");
            },
            List.of("codex"));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(self[0]);
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<String> second = CompletableFuture.supplyAsync(self[0]);
    assertFalse(second.isDone());
    release.countDown();
    assertEquals("0.169.0", first.get(10, TimeUnit.SECONDS));
    assertEquals("0.169.0", second.get(10, TimeUnit.SECONDS));
    assertEquals(1, runs.get(), "the second caller waited for the first run's answer");
    assertFalse(heldMonitor[0], "no monitor held while Codex runs");
  }
}
