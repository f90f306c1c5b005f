package io.github.codexmcp.detached;

import io.github.codexmcp.util.Clock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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
 * <p><b>Looking less at sessions at rest.</b> Whether a turn runs costs a round trip to the
 * app-server. A session nobody drives whose app-server said it was at rest is not looked at again
 * (neither its record, nor its process, nor its lock) until a pause has passed that doubles with
 * each such answer (from the pass period to 4 s, at most a quarter of the TTL). A turn can only
 * start there through a server, which holds the session meanwhile, so the pause only delays
 * noticing a server that took the session (and a turn it left running should it die), or an
 * app-server that died: by at most the pause. When the pause is over, the app-server is asked again
 * only if the session's state was written since ({@link Probe#restMark}); before it is stopped for
 * the TTL it is always looked at and asked afresh. A session this process drives ({@link
 * Probe#drivenHere}) is not looked at at all, and one it handed back at rest ({@link
 * Probe#releasedAtRest}) is not asked: the server knew its state, and its mark is the answer's.
 *
 * <p><b>Threads.</b> Confined to the one thread calling {@link #tick()} (the keeper's main loop, or
 * a test); {@code lastNeeded}, {@code quiet} and {@code known} are not shared. The probe may block
 * (it talks to the app-servers).
 */
public final class DetachedKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(DetachedKeeper.class);
  private static final long MAX_QUIET_PAUSE_NANOS = Duration.ofSeconds(4).toNanos();
  private static final long MAX_TRUST_NANOS = Duration.ofSeconds(60).toNanos();

  /** Quiet answers enough for the longest pause (the doubling is capped there). */
  private static final int ANSWERS_FOR_LONGEST_PAUSE = 17;

  /** What the keeper asks about a session. */
  public interface Probe {
    /** Whether a server drives the session (holds its ownership lock). */
    boolean driven(String sessionId);

    /**
     * Whether this process drives the session (answered from memory, no file touched): then nothing
     * about it needs looking at, since its app-server is kept whatever its record says. A keeper of
     * its own never drives one.
     */
    default boolean drivenHere(String sessionId) {
      return false;
    }

    /**
     * Something that changes whenever a server writes the session's state (a turn starting there
     * does), read before asking {@link #turnRunning}; null when unknown. While it stays equal to
     * the one read when the app-server said it was at rest, the app-server is not asked again,
     * except before it is stopped for the TTL.
     */
    default Object restMark(String sessionId) {
      return null;
    }

    /**
     * The {@link #restMark} this process read when it handed the session back at rest (its turn
     * over, no request pending), while still holding it; taken once, null when there is none. For
     * the keeper inside a server: the server knew its app-server's state then, so that is an answer
     * as good as {@link #turnRunning} at that moment, and the app-server is not asked again while
     * the mark stays the same (as after an answer).
     */
    default Object releasedAtRest(String sessionId) {
      return null;
    }

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
  private final long quietPauseNanos;
  private final long maxQuietPauseNanos;
  private final long trustNanos;
  private final Map<String, Long> lastNeeded = new HashMap<>();
  private final Map<String, Quiet> quiet = new HashMap<>();
  private final Map<String, Known> known = new HashMap<>();

  public DetachedKeeper(
      DetachedPaths paths, Duration ttl, Clock clock, Probe probe, Stopper stopper) {
    this.paths = paths;
    this.ttlNanos = ttl.toNanos();
    this.quietPauseNanos = quietPause(ttl).toNanos();
    this.trustNanos = Math.min(MAX_TRUST_NANOS, ttlNanos / 2);
    this.maxQuietPauseNanos =
        Math.max(quietPauseNanos, Math.min(MAX_QUIET_PAUSE_NANOS, ttlNanos / 4));
    this.clock = clock;
    this.probe = probe;
    this.stopper = stopper;
  }

  /** The first pause before asking again about a session at rest: the keepers' pass period. */
  static Duration quietPause(Duration ttl) {
    return ServerKeeper.period(ttl);
  }

  /** One pass over the records; returns how many app-servers are still kept. */
  public int tick() {
    long now = clock.nanoTime();
    Set<String> seen = new HashSet<>();
    int kept = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.dir(), "sess_*.json")) {
      for (Path file : ds) {
        String named = sessionIdOf(file);
        if (probe.drivenHere(named)) {
          // kept, as the full look would conclude (a record whose process is gone cannot be
          // removed while this server holds the session); costs no read of the record or of /proc
          seen.add(named);
          lastNeeded.put(named, now);
          quiet.remove(named); // once released, asked on the next pass
          kept++;
          continue;
        }
        Quiet q = quiet.get(named);
        Long last = lastNeeded.get(named);
        if (q != null && now - q.nextAsk() < 0 && last != null && now - last < ttlNanos) {
          // at rest when last asked, and within the pause: not looked at (record, process, lock)
          seen.add(named);
          kept++;
          continue;
        }
        Known known = look(file, named);
        if (known == null) {
          continue; // being written, or foreign
        }
        Optional<DetachedRecord> rec = Optional.of(known.record());
        String id = rec.get().sessionId();
        seen.add(id);
        Optional<ProcessHandle> live = known.live();
        if (live.isEmpty()) {
          if (!endUnderLock(file, rec.get(), null)) {
            kept++; // a server holds the session: it may be launching a new app-server
          }
          continue;
        }
        boolean asked = false;
        boolean needed = probe.driven(id);
        if (needed) {
          quiet.remove(id); // once released, asked on the next pass
          probe.releasedAtRest(id); // dropped: whoever drives it now releases it as they leave it
        } else if (!quiet.containsKey(id) || now - quiet.get(id).nextAsk() >= 0) {
          Quiet before = quiet.get(id);
          Object released = before == null ? probe.releasedAtRest(id) : null;
          Object mark = released != null ? null : probe.restMark(id); // read before the answer
          if (released != null) {
            // handed back at rest by this process: its answer, looked at again after the longest
            // pause (by then a write since shows in the mark, and a recent one no longer hides)
            quiet.put(
                id, new Quiet(ANSWERS_FOR_LONGEST_PAUSE, now + maxQuietPauseNanos, released, now));
          } else if (before != null
              && mark != null
              && mark.equals(before.mark())
              && now - before.askedAt() < trustNanos) {
            answered(id, false, now, mark, before.askedAt()); // nothing written since: at rest
          } else {
            asked = true;
            needed = answered(id, probe.turnRunning(id), now, mark, now);
          }
        }
        if (needed) {
          lastNeeded.put(id, now);
        } else {
          lastNeeded.putIfAbsent(id, now);
        }
        if (now - lastNeeded.get(id) >= ttlNanos && !asked) {
          Object mark = probe.restMark(id);
          if (answered(id, probe.turnRunning(id), now, mark, now)) {
            lastNeeded.put(
                id, now); // never stopped on an old answer: a turn may have started since
          }
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
    quiet.keySet().retainAll(seen);
    known.keySet().retainAll(seen);
    return kept;
  }

  /**
   * Notes the app-server's answer: a running turn is asked about on every pass (its approvals are
   * settled there); a session at rest nobody drives is asked again after a pause that doubles with
   * each quiet answer, from {@link #quietPause} up to {@code maxQuietPause}. Returns {@code
   * running}.
   */
  private boolean answered(String id, boolean running, long now, Object mark, long askedAt) {
    if (running) {
      quiet.remove(id);
    } else {
      Quiet before = quiet.get(id);
      int answers = before == null ? 1 : before.answers() + 1;
      long pause = Math.min(maxQuietPauseNanos, quietPauseNanos << Math.min(answers - 1, 16));
      quiet.put(id, new Quiet(answers, now + pause, mark, askedAt));
    }
    return running;
  }

  /**
   * The record in {@code file} and its process: read and looked up in the OS again only when the
   * file changed (its modification time, size or key); otherwise the process handle read then,
   * whose liveness check also compares the OS start time, so a reused pid is never taken for it.
   * Null when unreadable.
   */
  private Known look(Path file, String named) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
    Known k = known.get(named);
    if (k != null
        && k.modified().equals(attrs.lastModifiedTime())
        && k.size() == attrs.size()
        && Objects.equals(k.fileKey(), attrs.fileKey())
        && k.record().sessionId().equals(named)) {
      return k;
    }
    Optional<DetachedRecord> rec = DetachedRecord.read(file);
    if (rec.isEmpty()) {
      return null;
    }
    k =
        new Known(
            attrs.lastModifiedTime(),
            attrs.size(),
            attrs.fileKey(),
            rec.get(),
            rec.get().liveProcess().orElse(null));
    if (rec.get().sessionId().equals(named)) {
      known.put(named, k);
    }
    return k;
  }

  /**
   * A record as read, with the file's time, size and key (its inode: every write replaces the file)
   * then, and its process (null: none alive).
   */
  private record Known(
      FileTime modified, long size, Object fileKey, DetachedRecord record, ProcessHandle process) {
    Optional<ProcessHandle> live() {
      return process != null && process.isAlive() ? Optional.of(process) : Optional.empty();
    }
  }

  /**
   * Quiet answers in a row about a session, when to look at it again, its {@link Probe#restMark}
   * read before the last of them, and when its app-server was last really asked.
   */
  private record Quiet(int answers, long nextAsk, Object mark, long askedAt) {}

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
        known.remove(id); // read the record again next time: it may have been replaced
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

  /** The session a record file is named after ({@link DetachedPaths#record}). */
  private static String sessionIdOf(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - ".json".length());
  }

  private static boolean sameProcess(Path file, DetachedRecord rec) {
    Optional<DetachedRecord> now = DetachedRecord.read(file);
    return now.isPresent()
        && now.get().pid() == rec.pid()
        && Objects.equals(now.get().processStartedAt(), rec.processStartedAt());
  }

  private void forget(String id) {
    lastNeeded.remove(id);
    known.remove(id);
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
