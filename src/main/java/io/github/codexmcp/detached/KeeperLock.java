package io.github.codexmcp.detached;

import io.github.codexmcp.util.FileLocks;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper lock of one runtime directory ({@link DetachedPaths#keeperLock()}) as held by this
 * process: at most one keeper, a server's in-process one ({@link ServerKeeper}) or a keeper process
 * ({@link KeeperMain}), acts on a runtime directory at a time. It is an OS file lock ({@code fcntl}
 * on Linux), so it goes with its holder, {@code kill -9} included.
 *
 * <p>While held, the lock file has exactly one descriptor in this JVM: on Linux closing any
 * descriptor of a file drops all of the process's locks on it, so a second instance for the same
 * file (only tests run two keepers in one JVM) and {@link #heldByAnyone} answer from {@code HELD}
 * without opening it. Once {@link #close closed}, an instance never takes the lock again.
 *
 * <p><b>Threads.</b> Any thread. One JVM-wide monitor ({@code MONITOR}) guards {@code HELD} and
 * every instance's {@code channel} and {@code closed}, so a probe never opens the file while a
 * {@link #tryTake} of this JVM holds it or is taking it. Under it run only the open, the
 * non-blocking {@code tryLock} and the close of a lock file: short local system calls, none waits
 * for another process.
 */
final class KeeperLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperLock.class);
  private static final Object MONITOR = new Object();
  private static final Set<Path> HELD = new HashSet<>(); // guarded by MONITOR

  private final Path file;
  private FileChannel channel; // guarded by MONITOR
  private boolean closed; // guarded by MONITOR

  KeeperLock(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  /** Takes the lock unless another keeper holds it; true when this instance holds it now. */
  boolean tryTake() {
    synchronized (MONITOR) {
      if (channel != null) {
        return true;
      }
      if (closed || HELD.contains(file)) {
        return false;
      }
      FileChannel ch = null;
      try {
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
          ch.close();
          return false;
        }
        channel = ch;
        HELD.add(file);
        return true;
      } catch (IOException | OverlappingFileLockException e) {
        FileLocks.closeQuietly(ch);
        LOG.debug("[keeper] cannot take {}: {}", file, e.toString());
        return false;
      }
    }
  }

  /** Whether this instance holds the lock. */
  boolean held() {
    synchronized (MONITOR) {
      return channel != null;
    }
  }

  /** Releases the lock if held; the instance never takes it again. */
  @Override
  public void close() {
    synchronized (MONITOR) {
      closed = true;
      if (channel != null) {
        FileLocks.closeQuietly(channel);
        channel = null;
        HELD.remove(file);
      }
    }
  }

  /**
   * Whether a keeper, of this process or another, holds the lock {@code file} now. A lock this JVM
   * holds is answered from memory; otherwise the file is opened, tried and closed (taking the lock
   * for a moment: a keeper process trying meanwhile tries again). Creates the file.
   */
  static boolean heldByAnyone(Path file) {
    Path f = file.toAbsolutePath().normalize();
    synchronized (MONITOR) {
      if (HELD.contains(f)) {
        return true;
      }
      return FileLocks.lockedElsewhere(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
  }
}
