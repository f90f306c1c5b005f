package io.github.codexmcp.detached;

import io.github.codexmcp.util.Clock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the detached app-servers of one state directory that nobody needs any more: an app-server is
 * kept while a server drives its session or its thread runs a turn, and for {@code ttl} after the
 * last moment either was true; then its process tree is stopped and its socket, log and record are
 * removed. A record whose process is gone is cleaned up at once. Both happen with the session's
 * ownership lock held ({@link Probe#hold}), and only while the record still names the process read,
 * so a server that claims the session or launches a new app-server for it meanwhile loses nothing.
 *
 * <p><b>Threads.</b> Confined to the one thread calling {@link #tick()} (the keeper's main loop, or
 * a test); {@code lastNeeded} is not shared. The probe may block (it talks to the app-servers).
 */
public final class DetachedKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(DetachedKeeper.class);

  /** What the keeper asks about a session. */
  public interface Probe {
    /** Whether a server drives the session (holds its ownership lock). */
    boolean driven(String sessionId);

    /** Whether the session's app-server reports a turn in progress. */
    boolean turnRunning(String sessionId);

    /** The session's app-server is gone or about to be stopped: drop anything kept for it. */
    default void forget(String sessionId) {}

    /**
     * Takes the session's ownership lock so no server can claim the session (and so relaunch or
     * re-attach its app-server) while the keeper stops that app-server and removes its files;
     * closing the answer releases it. Null when a server holds it now.
     */
    Hold hold(String sessionId);
  }

  /** A held ownership lock of a session; {@link #close} releases it. */
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /** Stops one app-server's process tree. */
  public interface Stopper {
    void stop(ProcessHandle process);
  }

  private final DetachedPaths paths;
  private final long ttlNanos;
  private final Clock clock;
  private final Probe probe;
  private final Stopper stopper;
  private final Map<String, Long> lastNeeded = new HashMap<>();

  public DetachedKeeper(
      DetachedPaths paths, Duration ttl, Clock clock, Probe probe, Stopper stopper) {
    this.paths = paths;
    this.ttlNanos = ttl.toNanos();
    this.clock = clock;
    this.probe = probe;
    this.stopper = stopper;
  }

  /** One pass over the records; returns how many app-servers are still kept. */
  public int tick() {
    long now = clock.nanoTime();
    Set<String> seen = new HashSet<>();
    int kept = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.dir(), "sess_*.json")) {
      for (Path file : ds) {
        Optional<DetachedRecord> rec = DetachedRecord.read(file);
        if (rec.isEmpty()) {
          continue; // being written, or foreign
        }
        String id = rec.get().sessionId();
        seen.add(id);
        Optional<ProcessHandle> live = rec.get().liveProcess();
        if (live.isEmpty()) {
          if (!endUnderLock(file, rec.get(), null)) {
            kept++; // a server holds the session: it may be launching a new app-server
          }
          continue;
        }
        if (probe.driven(id) || probe.turnRunning(id)) {
          lastNeeded.put(id, now);
        } else {
          lastNeeded.putIfAbsent(id, now);
        }
        if (now - lastNeeded.get(id) < ttlNanos || !endUnderLock(file, rec.get(), live.get())) {
          kept++;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("[keeper] cannot scan {}: {}", paths.dir(), e.toString());
      return lastNeeded.size();
    }
    lastNeeded.keySet().retainAll(seen);
    return kept;
  }

  /**
   * With the session's ownership lock held (so no server claims it meanwhile), stops {@code live}
   * (null: already gone) and removes the files of {@code rec}, unless the record in {@code file} no
   * longer names the process read (a server launched another app-server since). False when a server
   * holds the session or the record was replaced: nothing is done, it is looked at again next tick.
   */
  private boolean endUnderLock(Path file, DetachedRecord rec, ProcessHandle live) {
    String id = rec.sessionId();
    try (Hold hold = probe.hold(id)) {
      if (hold == null || !sameProcess(file, rec)) {
        lastNeeded.put(id, clock.nanoTime()); // claimed, or replaced by a newer app-server
        return false;
      }
      if (live == null) {
        LOG.info("[keeper] app-server of {} is gone; removing its files", id);
      } else {
        LOG.info(
            "[keeper] stopping the app-server of {} (pid {}): unused for the TTL", id, rec.pid());
        probe.forget(id);
        stopper.stop(live);
      }
      if (sameProcess(file, rec)) {
        forget(id);
      }
      return true;
    }
  }

  private static boolean sameProcess(Path file, DetachedRecord rec) {
    Optional<DetachedRecord> now = DetachedRecord.read(file);
    return now.isPresent()
        && now.get().pid() == rec.pid()
        && Objects.equals(now.get().processStartedAt(), rec.processStartedAt());
  }

  private void forget(String id) {
    lastNeeded.remove(id);
    probe.forget(id);
    for (Path p : new Path[] {paths.record(id), paths.socket(id), paths.log(id)}) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.warn("[keeper] cannot remove {}: {}", p, e.toString());
      }
    }
  }
}
