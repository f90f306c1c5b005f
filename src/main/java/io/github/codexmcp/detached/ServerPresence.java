package io.github.codexmcp.detached;

import io.github.codexmcp.util.FileLocks;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * That a live server keeps the detached app-servers of a runtime directory: a shared OS file lock
 * on {@link DetachedPaths#servers()}, held by every server whose keeper runs ({@link ServerKeeper})
 * until it closes or dies. A keeper process ({@link KeeperMain}) looks at it on every tick and,
 * when a server holds it, leaves the keeping to that server (whose next pass takes the keeper lock)
 * instead of running beside it. Like every {@code fcntl} lock it goes with its holder, {@code kill
 * -9} included.
 *
 * <p>One descriptor per file in a JVM (closing a second one would drop the process's lock): the
 * holds of one JVM share it ({@code HELD}, counted), and {@link #heldByAnyone} answers from memory
 * when this JVM holds it.
 *
 * <p><b>Threads.</b> Any thread. One JVM-wide monitor ({@code MONITOR}) guards {@code HELD}; under
 * it run only the open, the non-blocking {@code tryLock} and the close of the file.
 */
final class ServerPresence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerPresence.class);
  private static final Object MONITOR = new Object();
  private static final Map<Path, Held> HELD = new HashMap<>(); // guarded by MONITOR

  private final Path file;
  private boolean closed; // guarded by MONITOR

  private ServerPresence(Path file) {
    this.file = file;
  }

  /** This server keeps {@code file}'s directory from now on; empty when the lock cannot be had. */
  static Optional<ServerPresence> hold(Path file) {
    Path f = file.toAbsolutePath().normalize();
    synchronized (MONITOR) {
      Held h = HELD.get(f);
      if (h == null) {
        FileChannel ch = null;
        try {
          ch =
              FileChannel.open(
                  f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
          FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
          if (lock == null) {
            ch.close(); // a keeper process is looking this very moment; the next pass tries again
            return Optional.empty();
          }
          h = new Held(ch);
          HELD.put(f, h);
        } catch (IOException | RuntimeException e) {
          FileLocks.closeQuietly(ch);
          LOG.debug("[keeper] cannot hold {}: {}", f, e.toString());
          return Optional.empty();
        }
      }
      h.count++;
      return Optional.of(new ServerPresence(f));
    }
  }

  /** This server no longer keeps; idempotent. */
  @Override
  public void close() {
    synchronized (MONITOR) {
      if (closed) {
        return;
      }
      closed = true;
      Held h = HELD.get(file);
      if (h != null && --h.count == 0) {
        HELD.remove(file);
        FileLocks.closeQuietly(h.channel);
      }
    }
  }

  /**
   * Whether a live server keeps {@code file}'s directory: for a keeper process, which never holds
   * it. Opens the file and tries an exclusive lock for a moment (answered from memory in a JVM that
   * holds it). False when the file cannot be used.
   */
  static boolean heldByAnyone(Path file) {
    Path f = file.toAbsolutePath().normalize();
    synchronized (MONITOR) {
      if (HELD.containsKey(f)) {
        return true;
      }
      return FileLocks.lockedElsewhere(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
  }

  /** The one descriptor of a file this JVM holds, and how many holds share it. */
  private static final class Held {
    final FileChannel channel;
    int count; // guarded by MONITOR

    Held(FileChannel channel) {
      this.channel = channel;
    }
  }
}
