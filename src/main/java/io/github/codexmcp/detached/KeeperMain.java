package io.github.codexmcp.detached;

import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper process: one per state directory ({@code keeper.lock}), {@code exec}'d by a server's
 * sentinel ({@link KeeperLauncher#startSentinel}) when that server is gone and left detached
 * app-servers, in a session of its own. It runs {@link DetachedKeeper#tick()} until no detached
 * app-server is left, then exits. While a server lives it keeps them itself ({@link ServerKeeper});
 * a keeper process runs only after one died or exited.
 *
 * <p>Take-over: the dead server's keeper lock goes with its exit, which may complete just after its
 * sentinel saw the pipe close; so the lock is tried for up to {@link #TAKE_OVER_WAIT} before this
 * process leaves the keeping to the keeper that holds it (a live server's, or another sentinel's).
 *
 * <p>A live server that keeps too (it launched a detached app-server and holds its {@link
 * ServerPresence}) gets the keeping: this process exits, and that server's next pass takes the
 * lock; should that server die first, its own sentinel starts a keeper again. So a keeper JVM runs
 * only while no server keeps.
 *
 * <p>Exit without a race: it releases its lock and looks once more; a server writes its record
 * before its keeper tries the lock (and tries again every pass), so a record written meanwhile is
 * seen here (and this keeper carries on) or that server's keeper takes the free lock.
 *
 * <p>Arguments: {@code <runtime dir> <state dir> <ttl ms>}. Runs on its main thread; the timer
 * thread only runs the grace periods of stops.
 */
public final class KeeperMain {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperMain.class);
  private static final int IDLE_TICKS_BEFORE_EXIT = 3;

  /** How long a keeper process tries for the lock before it leaves the keeping to its holder. */
  static final Duration TAKE_OVER_WAIT = Duration.ofSeconds(2);

  static final long TAKE_OVER_RETRY_MS = 50;

  private KeeperMain() {}

  public static void main(String[] args) throws Exception {
    DetachedPaths paths = new DetachedPaths(Path.of(args[0]), Path.of(args[1]));
    Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
    Duration tick = ServerKeeper.period(ttl);
    try (ScheduledTimer timer = new ScheduledTimer()) {
      KeeperProbe probe = new KeeperProbe(paths, timer, SystemClock.INSTANCE);
      DetachedKeeper keeper =
          new DetachedKeeper(
              paths,
              ttl,
              SystemClock.INSTANCE,
              probe,
              p -> ProcessTree.terminate(p, null, DetachedBackends.STOP_GRACE, timer).join());
      long since = SystemClock.INSTANCE.nanoTime();
      Outcome last;
      do {
        last = serve(paths, keeper, tick, since, SystemClock.INSTANCE, Thread::sleep);
      } while (last == Outcome.NOTHING_LEFT && hasRecords(paths));
    }
    System.exit(0);
  }

  /** How {@link #serve} ended. */
  enum Outcome {
    /** No detached app-server was left for a few ticks. */
    NOTHING_LEFT,
    /** Another keeper held the lock throughout the take-over wait. */
    HELD_ELSEWHERE,
    /** A live server keeps the directory ({@link ServerPresence}): it takes over. */
    LEFT_TO_A_SERVER
  }

  /**
   * Holds the lock and ticks until nothing is left or a live server keeps the directory (looked at
   * once {@link #TAKE_OVER_WAIT} has passed {@code since} this process started: by then the dead
   * server whose sentinel this was is gone with its locks, so it is another server); the lock is
   * released on return.
   */
  static Outcome serve(
      DetachedPaths paths,
      DetachedKeeper keeper,
      Duration tick,
      long since,
      Clock clock,
      Pause pause)
      throws InterruptedException {
    try (KeeperLock lock = new KeeperLock(paths.keeperLock())) {
      if (!take(lock, clock, pause)) {
        LOG.info("[keeper] another keeper holds {}", paths.keeperLock());
        return Outcome.HELD_ELSEWHERE;
      }
      LOG.info("[keeper] watching {} (state {})", paths.dir(), paths.stateDir());
      int idle = 0;
      while (idle < IDLE_TICKS_BEFORE_EXIT) {
        if (clock.nanoTime() - since >= TAKE_OVER_WAIT.toNanos()
            && ServerPresence.heldByAnyone(paths.servers())) {
          LOG.info("[keeper] a live server keeps {} from now on", paths.dir());
          return Outcome.LEFT_TO_A_SERVER;
        }
        idle = keeper.tick() == 0 ? idle + 1 : 0;
        pause.pause(tick.toMillis());
      }
      LOG.info("[keeper] no detached app-server left");
      return Outcome.NOTHING_LEFT;
    }
  }

  /** A pause between two tries of the lock. */
  interface Pause {
    void pause(long millis) throws InterruptedException;
  }

  /** Tries the lock for up to {@link #TAKE_OVER_WAIT} of {@code clock}, pausing between tries. */
  static boolean take(KeeperLock lock, Clock clock, Pause pause) throws InterruptedException {
    long deadline = clock.nanoTime() + TAKE_OVER_WAIT.toNanos();
    while (!lock.tryTake()) {
      if (clock.nanoTime() >= deadline) {
        return false;
      }
      pause.pause(TAKE_OVER_RETRY_MS);
    }
    return true;
  }

  static boolean hasRecords(DetachedPaths paths) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.dir(), "sess_*.json")) {
      return ds.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }
}
