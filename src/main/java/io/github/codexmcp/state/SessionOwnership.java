package io.github.codexmcp.state;

import io.github.codexmcp.util.FileLocks;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server drives which session when several servers share one state directory: an OS file lock
 * ({@link FileLock}, {@code fcntl} on Linux) on {@code <stateDir>/owners/<sessionId>.lock}.
 *
 * <p>Why a file lock: the operating system releases it the moment its holder dies, {@code kill -9}
 * included, so there is no lease to renew, no clock to trust and no stale owner to detect; and
 * {@code tryLock} is one system call, so asking "is anyone driving this session?" is cheap. A
 * server holds the lock of a session while it writes that session's files; others only read them.
 *
 * <p>A lock file is only deleted by its holder, and only together with its session (whose id is
 * random and never reused), so a process that locked the unlinked file of a deleted session can do
 * no harm: that session's files are gone.
 *
 * <p><b>One descriptor per lock file.</b> On Linux, closing <em>any</em> descriptor of a file drops
 * all of the process's {@code fcntl} locks on it, so a file this process has locked (through any
 * instance of this class, or the keeper's {@link #holdIfFree}: {@code LOCKED}, per JVM, named by
 * the real path) is never opened a second time: a probe or claim answers from memory instead. This
 * is what lets a server run the keeper of detached app-servers in-process.
 *
 * <p><b>Threads.</b> Any thread. {@code held} and {@code epochs} (concurrent maps) are this
 * instance's state, {@code LOCKED}, {@code MONITORS} and {@code RESTED} the JVM's. A hand-back's
 * mark goes into {@code RESTED} under the file's monitor (with the release), a claim removes it
 * there; the keeper takes it without the monitor (a concurrent map's remove). Everything done with
 * one lock file (the check of {@code LOCKED}, open, chmod, {@code tryLock}, close, delete) runs
 * under that file's private monitor ({@code MONITORS}), so a probe never overlaps a claim or a
 * release of the same file. These are short local system calls, none of which waits for another
 * process ({@code tryLock} does not block); nothing else is done under the monitor, and no two
 * monitors are held.
 */
public final class SessionOwnership implements AutoCloseable {
  static final String DIR_NAME = "owners";
  private static final Logger LOG = LoggerFactory.getLogger(SessionOwnership.class);

  /** What {@link #tryAcquire} found. */
  public enum Claim {
    /** This process already held it. */
    ALREADY_HELD,
    /** This process took it now (nobody held it). */
    ACQUIRED,
    /** A live process holds it. */
    HELD_ELSEWHERE,
    /** The lock file cannot be used (bad id, I/O error): treated as not ours. */
    UNAVAILABLE
  }

  private static final Set<Path> LOCKED = ConcurrentHashMap.newKeySet();
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

  /**
   * The {@code meta.json} mark of each session this JVM handed back at rest ({@link
   * #releaseIf(String, long, DiskStamp.FileMark)}), by lock file: until the keeper in this JVM
   * takes it ({@link #takeRestedHere}) or the session is claimed here again. At most one per
   * session.
   */
  private static final Map<Path, DiskStamp.FileMark> RESTED = new ConcurrentHashMap<>();

  private final Path dir;
  private final StateFiles files;
  private final Map<String, FileLock> held = new ConcurrentHashMap<>();
  private final Map<String, Long> epochs = new ConcurrentHashMap<>();

  /**
   * The wait before a claim found held is tried once more: a process that only asks whether a
   * session is held (the keeper) takes the lock for a moment, and must not make a claim fail.
   */
  static final long RETRY_PAUSE_MS = 5;

  private final Runnable retryPause;

  SessionOwnership(Path stateDir, StateFiles files) throws IOException {
    this(stateDir, files, SessionOwnership::pauseBeforeRetry);
  }

  SessionOwnership(Path stateDir, StateFiles files, Runnable retryPause) throws IOException {
    Path owners = stateDir.resolve(DIR_NAME).toAbsolutePath().normalize();
    this.files = files;
    this.retryPause = retryPause;
    files.createDirectories(owners);
    files.restrict(owners, true);
    this.dir = ownersDir(stateDir);
  }

  /**
   * The real path of {@code <stateDir>/owners} (as given when it does not exist): every lock file
   * is named by it in {@code LOCKED}, so a keeper in this JVM that reached the state directory
   * through another path (a symbolic link) still finds the locks the store holds.
   */
  private static Path ownersDir(Path stateDir) {
    Path owners = stateDir.resolve(DIR_NAME).toAbsolutePath().normalize();
    try {
      return owners.toRealPath();
    } catch (IOException | RuntimeException e) {
      return owners;
    }
  }

  /**
   * Takes the lock of {@code sessionId} unless another process holds it. Found held, it is tried
   * once more after {@link #RETRY_PAUSE_MS} (outside this class's monitors; the store's writer
   * calls it under its I/O lock): the holder may only be asking whether anyone holds it (the
   * keeper). Blocks the calling thread that long at most.
   */
  public Claim tryAcquire(String sessionId) {
    Claim c = tryAcquireOnce(sessionId);
    if (c != Claim.HELD_ELSEWHERE) {
      return c;
    }
    retryPause.run();
    return tryAcquireOnce(sessionId);
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(RETRY_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Claim tryAcquireOnce(String sessionId) {
    Path file = lockFile(sessionId);
    if (file == null) {
      return Claim.UNAVAILABLE;
    }
    synchronized (monitor(file)) {
      epochs.merge(sessionId, 1L, Long::sum);
      RESTED.remove(file); // driven here again: its next hand-back says how it rests
      if (held.containsKey(sessionId)) {
        return Claim.ALREADY_HELD;
      }
      if (LOCKED.contains(file)) {
        return Claim.HELD_ELSEWHERE; // another store of this JVM (tests): never a second descriptor
      }
      FileChannel ch = null;
      try {
        ch =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        files.restrict(file, false);
        FileLock lock = ch.tryLock();
        if (lock == null) {
          ch.close();
          return Claim.HELD_ELSEWHERE;
        }
        held.put(sessionId, lock);
        LOCKED.add(file);
        return Claim.ACQUIRED;
      } catch (IOException | RuntimeException e) {
        FileLocks.closeQuietly(ch);
        LOG.warn("[state] Cannot lock {}: {}", file, BatchWriter.describe(e));
        return Claim.UNAVAILABLE;
      }
    }
  }

  /** How many times {@link #tryAcquire} was called for {@code sessionId} (0: never). */
  public long epoch(String sessionId) {
    return sessionId == null ? 0 : epochs.getOrDefault(sessionId, 0L);
  }

  /**
   * Releases {@code sessionId} unless {@link #tryAcquire} was called for it since {@link #epoch}
   * answered {@code epoch}; whether it was released (false also when it was not held).
   */
  public boolean releaseIf(String sessionId, long epoch) {
    return releaseIf(sessionId, epoch, null);
  }

  /**
   * As {@link #releaseIf(String, long)}, for a session handed back at rest (no turn runs in its
   * Codex process, none will start there before a server claims it): {@code restedMeta}, its {@code
   * meta.json} as read while still held, is kept for the keeper in this JVM ({@link
   * #takeRestedHere}). A mark without a file key is not kept: on a file system without one, a write
   * within the same clock tick could leave an identical mark.
   */
  public boolean releaseIf(String sessionId, long epoch, DiskStamp.FileMark restedMeta) {
    Path file = lockFile(sessionId);
    if (file == null) {
      return false;
    }
    synchronized (monitor(file)) {
      if (epoch(sessionId) != epoch || !held.containsKey(sessionId)) {
        return false;
      }
      release(sessionId, false);
      if (restedMeta != null && restedMeta.key() != null && restedMeta != DiskStamp.FileMark.NONE) {
        RESTED.put(file, restedMeta);
      }
      return true;
    }
  }

  /**
   * Takes the {@code meta.json} mark with which this JVM handed {@code sessionId} back at rest, if
   * it did and has not claimed it since; null otherwise. For the keeper inside a server. Any
   * thread.
   */
  public static DiskStamp.FileMark takeRestedHere(Path stateDir, String sessionId) {
    if (!SessionIds.isValid(sessionId) || RESTED.isEmpty()) {
      return null;
    }
    return RESTED.remove(ownersDir(stateDir).resolve(sessionId + ".lock"));
  }

  /** Whether this process holds {@code sessionId}. */
  public boolean holds(String sessionId) {
    return sessionId != null && held.containsKey(sessionId);
  }

  /**
   * Whether another live process holds {@code sessionId} right now (takes and drops the lock to
   * find out when nobody holds it; answers false for sessions this process holds).
   */
  public boolean heldElsewhere(String sessionId) {
    Path file = lockFile(sessionId);
    if (file == null) {
      return false;
    }
    synchronized (monitor(file)) {
      if (held.containsKey(sessionId)) {
        return false;
      }
      if (LOCKED.contains(file)) {
        return true; // another store of this JVM: never a second descriptor of a locked file
      }
      if (!Files.exists(file)) {
        return false;
      }
      return FileLocks.lockedElsewhere(file, StandardOpenOption.WRITE);
    }
  }

  /**
   * Whether this JVM holds the lock of {@code sessionId} under {@code stateDir}, from memory: no
   * lock file is opened and no monitor taken (the state directory's real path is looked up). Any
   * thread.
   */
  public static boolean heldHere(Path stateDir, String sessionId) {
    return SessionIds.isValid(sessionId)
        && LOCKED.contains(ownersDir(stateDir).resolve(sessionId + ".lock"));
  }

  /**
   * Whether any process, this one included, holds the lock of {@code sessionId} under {@code
   * stateDir}: for the keeper of detached app-servers, in a process of its own or inside a server
   * (a lock this JVM holds is answered from memory, never by a second descriptor). Creates nothing.
   */
  public static boolean heldByAnyone(Path stateDir, String sessionId) {
    if (!SessionIds.isValid(sessionId)) {
      return false;
    }
    Path file = ownersDir(stateDir).resolve(sessionId + ".lock");
    synchronized (monitor(file)) {
      if (LOCKED.contains(file)) {
        return true;
      }
      return FileLocks.lockedElsewhere(file, StandardOpenOption.WRITE);
    }
  }

  /**
   * Takes the lock of {@code sessionId} under {@code stateDir} for the keeper, while it stops a
   * session's app-server: closing the answer releases it; empty when a live process (or a store of
   * this JVM) holds it. While held it counts as this JVM's ({@code LOCKED}), so a store of a server
   * whose keeper runs in-process finds it held instead of opening a second descriptor. A session
   * without a lock file (deleted) has nothing to hold: the answer closes nothing. Creates nothing.
   */
  public static Optional<Closeable> holdIfFree(Path stateDir, String sessionId) throws IOException {
    if (!SessionIds.isValid(sessionId)) {
      return Optional.empty();
    }
    Path file = ownersDir(stateDir).resolve(sessionId + ".lock");
    synchronized (monitor(file)) {
      if (LOCKED.contains(file)) {
        return Optional.empty(); // never a second descriptor of a file this JVM locked
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(file, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        return Optional.of(() -> {});
      }
      try {
        if (ch.tryLock() != null) {
          LOCKED.add(file);
          return Optional.of(() -> releaseHeld(file, ch));
        }
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      ch.close();
      return Optional.empty();
    }
  }

  /** Releases a lock taken by {@link #holdIfFree}. */
  private static void releaseHeld(Path file, FileChannel ch) throws IOException {
    synchronized (monitor(file)) {
      try {
        ch.close();
      } finally {
        LOCKED.remove(file);
      }
    }
  }

  /** Releases {@code sessionId} if held; {@code delete} also removes its lock file first. */
  public void release(String sessionId, boolean delete) {
    Path file = lockFile(sessionId);
    if (file == null) {
      return;
    }
    synchronized (monitor(file)) {
      FileLock lock = held.remove(sessionId);
      if (lock == null) {
        return;
      }
      if (delete) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
          // a lock file left behind costs nothing
        }
      }
      FileLocks.closeQuietly(lock.channel());
      LOCKED.remove(file);
    }
  }

  /** Releases everything this process holds. */
  @Override
  public void close() {
    for (String id : held.keySet()) {
      release(id, false);
    }
  }

  private Path lockFile(String sessionId) {
    Path sessionDir = SessionIds.resolve(dir, sessionId);
    return sessionDir == null ? null : dir.resolve(sessionId + ".lock");
  }

  /** The private monitor of one lock file (a few bytes per file locked or probed here). */
  private static Object monitor(Path file) {
    return MONITORS.computeIfAbsent(file, k -> new Object());
  }
}
