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
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the detached app-servers of one state directory that nobody needs any more: an app-server is
 * kept while a server drives its session or its thread runs a turn, and for {@code ttl} after the
 * last moment either was true; then its process tree is stopped and its socket, log and record are
 * removed. A record whose process is gone is cleaned up at once.
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
          LOG.info("[keeper] app-server of {} is gone; removing its files", id);
          forget(id);
          continue;
        }
        if (probe.driven(id) || probe.turnRunning(id)) {
          lastNeeded.put(id, now);
        } else {
          lastNeeded.putIfAbsent(id, now);
        }
        if (now - lastNeeded.get(id) >= ttlNanos) {
          LOG.info(
              "[keeper] stopping the app-server of {} (pid {}): unused for the TTL",
              id,
              rec.get().pid());
          probe.forget(id);
          stopper.stop(live.get());
          forget(id);
        } else {
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
