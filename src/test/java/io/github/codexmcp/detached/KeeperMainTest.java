package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.codexmcp.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper process's loop on a manual clock (pauses advance it): it keeps while no server does,
 * leaves the keeping to a live server that holds its presence (only once the take-over wait has
 * passed, so never to the dead server whose sentinel started it), and ends when nothing is left.
 */
class KeeperMainTest {
  static final Duration TICK = Duration.ofSeconds(1);

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final AtomicInteger ticks = new AtomicInteger();
  DetachedPaths paths;

  @BeforeEach
  void paths() {
    paths = new DetachedPaths(dir, dir.resolve("state"));
  }

  DetachedKeeper keeper() {
    return CountingKeepers.allDriven(paths, clock, ticks);
  }

  KeeperMain.Outcome serve() throws InterruptedException {
    return KeeperMain.serve(
        paths, keeper(), TICK, clock.nanoTime(), clock, ms -> clock.advanceMillis(ms));
  }

  void liveRecord() throws IOException {
    DetachedRecord.of("sess_kept", ProcessHandle.current()).write(paths.record("sess_kept"));
  }

  @Test
  void aLiveServerThatKeepsGetsTheKeepingOnceTheTakeOverWaitHasPassed() throws Exception {
    liveRecord();
    try (ServerPresence server = ServerPresence.hold(paths.servers()).orElseThrow()) {
      assertEquals(KeeperMain.Outcome.LEFT_TO_A_SERVER, serve());
      assertEquals(
          KeeperMain.TAKE_OVER_WAIT.toMillis() / TICK.toMillis(),
          ticks.get(),
          "it kept until the dead server's locks were surely gone");
      assertFalse(
          ForeignLock.lockedForAnotherProcess(paths.keeperLock()), "the server can take the lock");
    }
  }

  @Test
  void withNoServerKeepingItKeepsUntilNothingIsLeft() throws Exception {
    liveRecord();
    AtomicInteger pauses = new AtomicInteger();
    KeeperMain.Outcome out =
        KeeperMain.serve(
            paths,
            keeper(),
            TICK,
            clock.nanoTime(),
            clock,
            ms -> {
              clock.advanceMillis(ms);
              if (pauses.incrementAndGet() == 10) {
                try {
                  Files.delete(paths.record("sess_kept")); // stopped by a cancel
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              }
            });
    assertEquals(KeeperMain.Outcome.NOTHING_LEFT, out);
    assertEquals(10, ticks.get(), "kept, with nobody to leave it to, until the record went");
    assertFalse(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
  }

  @Test
  void anotherKeeperHoldingTheLockThroughoutTheWaitKeepsIt() throws Exception {
    liveRecord();
    try (ForeignLock other = ForeignLock.hold(paths.keeperLock())) {
      assertEquals(KeeperMain.Outcome.HELD_ELSEWHERE, serve());
      assertEquals(0, ticks.get());
    }
  }
}
