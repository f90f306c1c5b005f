package io.github.codexmcp.util;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * The look at a lock file that the keeper's lock, the servers' presence and the sessions' ownership
 * share: whether a process holds an exclusive lock on it. A JVM's locks belong to the process, and
 * closing any descriptor of a file drops them: callers answer for the files their own JVM holds
 * from memory and call {@link #lockedElsewhere} only for the others. Stateless; any thread; blocks
 * for the open and the lock attempt (local system calls).
 */
public final class FileLocks {
  private FileLocks() {}

  /**
   * Whether a process holds a lock on {@code file}: it is opened with {@code options}, locked for a
   * moment and released (a process trying meanwhile fails once). False when it cannot be opened.
   */
  public static boolean lockedElsewhere(Path file, OpenOption... options) {
    try (FileChannel ch = FileChannel.open(file, options)) {
      FileLock probe = ch.tryLock();
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Closes {@code ch} (and with it the locks it holds); null and errors are ignored. */
  public static void closeQuietly(Channel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // the lock goes with the descriptor
    }
  }
}
