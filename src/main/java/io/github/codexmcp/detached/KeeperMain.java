package io.github.codexmcp.detached;

import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper process: one per state directory ({@code keeper.lock}), started from this jar by a
 * server that launched a detached app-server, in a session of its own so it outlives that server.
 * It runs {@link DetachedKeeper#tick()} until no detached app-server is left, then exits.
 *
 * <p>Exit without a race: it releases its lock and looks once more; a server writes its record
 * before it checks for a running keeper, so a record written meanwhile is seen here (and this
 * keeper carries on) or the server sees the lock free (and starts a new keeper).
 *
 * <p>Arguments: {@code <runtime dir> <state dir> <ttl ms>}. Runs on its main thread; the timer
 * thread only runs the grace periods of stops.
 */
public final class KeeperMain {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperMain.class);
  private static final int IDLE_TICKS_BEFORE_EXIT = 3;

  private KeeperMain() {}

  public static void main(String[] args) throws Exception {
    DetachedPaths paths = new DetachedPaths(Path.of(args[0]), Path.of(args[1]));
    Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
    Duration tick = Duration.ofMillis(Math.max(100, Math.min(1_000, ttl.toMillis() / 4)));
    try (ScheduledTimer timer = new ScheduledTimer()) {
      KeeperProbe probe = new KeeperProbe(paths, timer, SystemClock.INSTANCE);
      DetachedKeeper keeper =
          new DetachedKeeper(
              paths,
              ttl,
              SystemClock.INSTANCE,
              probe,
              p -> ProcessTree.terminate(p, null, Duration.ofSeconds(3), timer).join());
      do {
        if (!serve(paths, keeper, tick)) {
          return; // another keeper runs
        }
      } while (hasRecords(paths));
    }
    System.exit(0);
  }

  /** Holds the lock and ticks until nothing is left; false when another keeper holds it. */
  private static boolean serve(DetachedPaths paths, DetachedKeeper keeper, Duration tick)
      throws IOException, InterruptedException {
    try (FileChannel ch =
        FileChannel.open(paths.keeperLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return false;
      }
      LOG.info("[keeper] watching {} (state {})", paths.dir(), paths.stateDir());
      int idle = 0;
      while (idle < IDLE_TICKS_BEFORE_EXIT) {
        idle = keeper.tick() == 0 ? idle + 1 : 0;
        Thread.sleep(tick.toMillis());
      }
      LOG.info("[keeper] no detached app-server left");
      return true;
    }
  }

  static boolean hasRecords(DetachedPaths paths) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.dir(), "sess_*.json")) {
      return ds.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }
}
