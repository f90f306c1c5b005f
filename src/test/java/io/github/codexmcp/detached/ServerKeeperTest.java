package io.github.codexmcp.detached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.testing.ManualTimer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper inside a server: its passes on the (manual) timer, run inline, with a real keeper lock
 * on a temporary file (held by another process where a test needs a foreign holder) and fake
 * sentinels. A pass that got the lock shows as one look at the live record of this JVM.
 */
class ServerKeeperTest {
  static final Duration PERIOD = Duration.ofSeconds(1);

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final ManualTimer timer = new ManualTimer(clock);
  final List<FakeSentinel> sentinels = new ArrayList<>();
  final AtomicInteger looks = new AtomicInteger();
  DetachedPaths paths;

  @BeforeEach
  void record() throws IOException {
    paths = new DetachedPaths(dir, dir.resolve("state"));
    DetachedRecord.of("sess_kept", ProcessHandle.current()).write(paths.record("sess_kept"));
  }

  ServerKeeper keeper() {
    return keeper(() -> Optional.of(newSentinel()));
  }

  ServerKeeper keeper(Supplier<Optional<ServerKeeper.Sentinel>> starts) {
    DetachedKeeper keeper = CountingKeepers.allDriven(paths, clock, looks);
    return new ServerKeeper(
        new KeeperLock(paths.keeperLock()),
        keeper,
        timer,
        PERIOD,
        Runnable::run,
        starts,
        () -> ServerPresence.hold(paths.servers()));
  }

  FakeSentinel newSentinel() {
    FakeSentinel s = new FakeSentinel(sentinels.size() + 1);
    sentinels.add(s);
    return s;
  }

  @Test
  void nothingRunsBeforeTheServerLaunchesAnAppServer() throws Exception {
    try (ServerKeeper k = keeper()) {
      timer.advance(Duration.ofSeconds(10));
      assertEquals(0, looks.get());
      assertTrue(sentinels.isEmpty(), "no sentinel");
      assertEquals(0, timer.pending());
      assertFalse(k.holdsLock());
      assertFalse(k.present());
      assertFalse(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
      assertFalse(ServerPresence.heldByAnyone(paths.servers()));
    }
  }

  @Test
  void theFirstLaunchStartsOneSentinelAndPassesThatTakeTheLockAndTick() throws Exception {
    try (ServerKeeper k = keeper()) {
      k.ensureRunning();
      assertEquals(1, sentinels.size());
      assertEquals(Optional.of(sentinels.get(0)), k.sentinel());
      assertTrue(k.present(), "keeper processes leave the keeping to this server from now on");
      assertTrue(ForeignLock.lockedForAnotherProcess(paths.servers()));
      assertEquals(0, looks.get(), "the first pass comes a period later");
      timer.advance(PERIOD);
      assertTrue(k.holdsLock());
      assertEquals(1, looks.get());
      assertTrue(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
      k.ensureRunning();
      k.ensureRunning();
      assertEquals(1, sentinels.size(), "one sentinel per server");
      assertEquals(1, timer.pending(), "one chain of passes");
      timer.advance(PERIOD.multipliedBy(3));
      assertEquals(4, looks.get());
      assertTrue(KeeperLauncher.keeperRunning(paths), "asked from the holding JVM");
      assertTrue(
          ForeignLock.lockedForAnotherProcess(paths.keeperLock()), "asking left the lock in place");
    }
  }

  @Test
  void whileAnotherProcessHoldsTheLockEachPassOnlyTriesItThenTakesItOnceFree() throws Exception {
    ForeignLock other = ForeignLock.hold(paths.keeperLock());
    try (ServerKeeper k = keeper()) {
      k.ensureRunning();
      timer.advance(PERIOD.multipliedBy(3));
      assertEquals(0, looks.get(), "no pass without the lock");
      assertFalse(k.holdsLock());
      assertEquals(1, timer.pending(), "the next try is scheduled");
      other.close(); // the keeper process exits, or the other server dies
      timer.advance(PERIOD);
      assertTrue(k.holdsLock());
      assertEquals(1, looks.get());
    } finally {
      other.close();
    }
  }

  @Test
  void ofTwoServersOnOneDirectoryOneKeepsAndTheOtherTakesOverWhenItCloses() throws Exception {
    ServerKeeper first = keeper();
    ServerKeeper second = keeper();
    try {
      first.ensureRunning();
      timer.advance(PERIOD);
      second.ensureRunning();
      assertEquals(2, sentinels.size(), "each server has its own sentinel");
      timer.advance(PERIOD.multipliedBy(2));
      assertTrue(first.holdsLock());
      assertFalse(second.holdsLock());
      assertEquals(3, looks.get(), "only the holder looks");
      assertTrue(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
      assertTrue(first.present() && second.present());
      first.close();
      assertFalse(first.holdsLock());
      assertTrue(
          ForeignLock.lockedForAnotherProcess(paths.servers()), "the other server is still there");
      assertTrue(sentinels.get(0).ended, "the first server's sentinel goes on");
      assertFalse(sentinels.get(1).ended);
      timer.advance(PERIOD);
      assertTrue(second.holdsLock(), "the other server took over on its next pass");
      assertEquals(4, looks.get());
      assertTrue(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void closeStopsThePassesReleasesTheLockAndEndsTheSentinelsWait() throws Exception {
    ServerKeeper k = keeper();
    k.ensureRunning();
    timer.advance(PERIOD);
    assertTrue(k.holdsLock());
    k.close();
    assertFalse(k.holdsLock());
    assertFalse(
        ForeignLock.lockedForAnotherProcess(paths.keeperLock()),
        "the sentinel's keeper process can take it");
    assertTrue(sentinels.get(0).ended);
    assertFalse(k.present());
    assertFalse(
        ForeignLock.lockedForAnotherProcess(paths.servers()),
        "the sentinel's keeper process does not leave the keeping to the closing server");
    assertEquals(0, timer.pending());
    k.ensureRunning();
    k.close();
    timer.advance(PERIOD.multipliedBy(3));
    assertEquals(1, looks.get(), "nothing after close");
    assertEquals(1, sentinels.size());
    assertFalse(k.present());
    assertFalse(ForeignLock.lockedForAnotherProcess(paths.keeperLock()));
  }

  @Test
  void aSentinelThatIsGoneIsStartedAgainByTheNextPass() throws Exception {
    try (ServerKeeper k = keeper()) {
      k.ensureRunning();
      sentinels.get(0).alive = false;
      timer.advance(PERIOD);
      assertTrue(k.present());
      assertEquals(2, sentinels.size());
      assertEquals(Optional.of(sentinels.get(1)), k.sentinel());
      timer.advance(PERIOD);
      assertEquals(2, sentinels.size(), "a live one is left alone");
    }
  }

  @Test
  void aSentinelThatCouldNotStartIsTriedAgainAndTheKeepingGoesOnMeanwhile() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    try (ServerKeeper k =
        keeper(
            () -> tries.incrementAndGet() == 1 ? Optional.empty() : Optional.of(newSentinel()))) {
      k.ensureRunning();
      assertTrue(k.sentinel().isEmpty());
      assertFalse(k.present(), "no sentinel, no presence: a keeper process keeps on");
      timer.advance(PERIOD);
      assertTrue(k.present());
      assertEquals(2, tries.get());
      assertEquals(1, sentinels.size());
      assertEquals(1, looks.get());
    }
  }

  @Test
  void aSentinelStartedWhileTheServerClosesIsEndedAtOnce() throws Exception {
    ServerKeeper[] k = new ServerKeeper[1];
    k[0] =
        keeper(
            () -> {
              k[0].close(); // shutdown on another thread, between the check and the start
              return Optional.of(newSentinel());
            });
    k[0].ensureRunning();
    assertEquals(1, sentinels.size());
    assertTrue(sentinels.get(0).ended, "no sentinel outlives its server's close");
    assertFalse(k[0].present());
    assertEquals(0, timer.pending());
  }

  @Test
  void whileAKeeperProcessLooksThePresenceIsTakenOnTheNextPass() throws Exception {
    ForeignLock looking = ForeignLock.hold(paths.servers());
    try (ServerKeeper k = keeper()) {
      k.ensureRunning();
      assertFalse(k.present());
      looking.close();
      timer.advance(PERIOD);
      assertTrue(k.present());
      assertTrue(ForeignLock.lockedForAnotherProcess(paths.servers()));
    } finally {
      looking.close();
    }
  }

  @Test
  void withoutAWaitingSentinelTheServerLetsGoOfItsPresence() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    try (ServerKeeper k =
        keeper(
            () -> tries.incrementAndGet() == 1 ? Optional.of(newSentinel()) : Optional.empty())) {
      k.ensureRunning();
      assertTrue(k.present());
      sentinels.get(0).alive = false; // and it cannot be started again
      timer.advance(PERIOD);
      assertFalse(k.present(), "a keeper process must not wait for a server nobody watches");
      assertFalse(ForeignLock.lockedForAnotherProcess(paths.servers()));
    }
  }

  @Test
  void thePeriodIsAQuarterOfTheTtlBetweenATenthAndOneSecond() {
    assertEquals(Duration.ofMillis(100), ServerKeeper.period(Duration.ofMillis(200)));
    assertEquals(Duration.ofMillis(750), ServerKeeper.period(Duration.ofMillis(3000)));
    assertEquals(Duration.ofSeconds(1), ServerKeeper.period(Duration.ofMinutes(30)));
  }

  /** A sentinel that records whether its wait was ended. */
  static final class FakeSentinel implements ServerKeeper.Sentinel {
    final long pid;
    volatile boolean alive = true;
    volatile boolean ended;

    FakeSentinel(long pid) {
      this.pid = pid;
    }

    @Override
    public boolean alive() {
      return alive;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public void end() {
      ended = true;
    }
  }
}
