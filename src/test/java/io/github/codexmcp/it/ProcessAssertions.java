package io.github.codexmcp.it;

import io.github.codexmcp.process.ProcessTree;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for processes to be gone; zombies count as gone (see {@link ProcessTree#isRunning}). */
final class ProcessAssertions {
  private ProcessAssertions() {}

  static boolean isGone(long pid) {
    return ProcessHandle.of(pid).map(h -> !ProcessTree.isRunning(h)).orElse(true);
  }

  static void awaitGone(long pid, long timeout, TimeUnit unit)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!isGone(pid)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("process " + pid + " is still running");
      }
      Thread.sleep(20);
    }
  }
}
