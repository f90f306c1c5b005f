package io.github.codexmcp.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Seam over the operating system's process table, so that the {@link OrphanReaper} and the lock
 * logic can be tested against a fake. Implementations must be thread-safe and fast (no waiting);
 * callers may run them on the timer thread.
 */
public interface ProcessTable {

  /** What the OS reports about a live process; {@code startInstant}/{@code command} may be null. */
  record ProcessInfo(long pid, Instant startInstant, String command) {}

  /** The live process with this pid (zombies count as dead), if any. */
  Optional<ProcessInfo> lookup(long pid);

  /** Live descendants of {@code pid} (children first is not guaranteed); empty when none. */
  List<ProcessInfo> descendants(long pid);

  /** Polite stop request (SIGTERM on POSIX); false when it could not be sent. */
  boolean terminate(long pid);

  /** Forcible stop (SIGKILL on POSIX); false when it could not be sent. */
  boolean kill(long pid);

  /** Pid of the current process. */
  long currentPid();

  /** The real table backed by {@link ProcessHandle}. */
  static ProcessTable system() {
    return SystemProcessTable.INSTANCE;
  }
}
