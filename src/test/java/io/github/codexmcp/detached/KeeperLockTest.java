package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper lock against other processes (a python {@code lockf} holder and prober), and within
 * one JVM: a second instance or a probe never opens the file this JVM holds, which on Linux would
 * drop the lock.
 */
class KeeperLockTest {
  @TempDir Path dir;

  @Test
  void heldItKeepsOtherProcessesAndOtherInstancesOutUntilClosed() throws Exception {
    Path file = dir.resolve("keeper.lock");
    KeeperLock lock = new KeeperLock(file);
    assertFalse(KeeperLock.heldByAnyone(file));
    assertTrue(lock.tryTake());
    assertTrue(lock.tryTake(), "taking again while held: still held");
    assertTrue(lock.held());
    assertTrue(ForeignLock.lockedForAnotherProcess(file));

    KeeperLock second = new KeeperLock(dir.resolve(".").resolve("keeper.lock"));
    assertFalse(second.tryTake(), "a second keeper of this JVM");
    assertTrue(KeeperLock.heldByAnyone(file));
    second.close();
    assertTrue(
        ForeignLock.lockedForAnotherProcess(file), "the second instance and the probe left it");

    lock.close();
    assertFalse(lock.held());
    assertFalse(ForeignLock.lockedForAnotherProcess(file));
    assertFalse(KeeperLock.heldByAnyone(file));
    assertFalse(lock.tryTake(), "closed for good");
    KeeperLock third = new KeeperLock(file);
    assertTrue(third.tryTake());
    third.close();
  }

  @Test
  void aLockAnotherProcessHoldsIsNotTakenUntilThatProcessDies() throws Exception {
    Path file = dir.resolve("keeper.lock");
    try (KeeperLock lock = new KeeperLock(file)) {
      try (ForeignLock other = ForeignLock.hold(file)) {
        assertFalse(lock.tryTake());
        assertTrue(KeeperLock.heldByAnyone(file));
        assertFalse(lock.held());
      }
      assertTrue(lock.tryTake(), "the holder died: the OS released it");
    }
  }

  @Test
  void aKeeperProcessTriesForTheTakeOverWaitThenLeavesItToTheHolder() throws Exception {
    Path file = dir.resolve("keeper.lock");
    ManualClock clock = new ManualClock();
    AtomicInteger pauses = new AtomicInteger();
    try (KeeperLock lock = new KeeperLock(file);
        ForeignLock other = ForeignLock.hold(file)) {
      boolean took =
          KeeperMain.take(
              lock,
              clock,
              ms -> {
                pauses.incrementAndGet();
                clock.advanceMillis(ms);
              });
      assertFalse(took);
      assertEquals(
          KeeperMain.TAKE_OVER_WAIT.toMillis() / KeeperMain.TAKE_OVER_RETRY_MS, pauses.get());
    }
  }

  @Test
  void aKeeperProcessTakesTheLockOnceTheDeadServersExitReleasesIt() throws Exception {
    Path file = dir.resolve("keeper.lock");
    ManualClock clock = new ManualClock();
    AtomicInteger pauses = new AtomicInteger();
    ForeignLock server = ForeignLock.hold(file);
    try (KeeperLock lock = new KeeperLock(file)) {
      boolean took =
          KeeperMain.take(
              lock,
              clock,
              ms -> {
                if (pauses.incrementAndGet() == 3) {
                  server.close(); // its exit completes a little after the pipe closed
                }
                clock.advanceMillis(ms);
              });
      assertTrue(took);
      assertEquals(3, pauses.get());
      assertTrue(lock.held());
    } finally {
      server.close();
    }
  }
}
