package io.github.codexmcp.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Process-wide registry of live children with a last-resort JVM shutdown hook that kills them and
 * their descendants, so an abrupt exit of the server (signal, {@code System.exit}) does not leave
 * Codex processes behind. Orderly shutdown should still stop children through their owners; this
 * hook only catches what is left.
 *
 * <p>Thread-safety: all methods are safe from any thread. The hook thread is named {@code
 * codex-mcp-child-reaper} and waits at most about one second before killing forcibly.
 */
public final class LiveChildren {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
  private static final long POLITE_WAIT_MS = 1000;

  private LiveChildren() {}

  /** Tracks {@code process} until it exits; installs the shutdown hook on first use. */
  public static void register(Process process) {
    installHook();
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }

  /** Number of tracked children still registered (for diagnostics and tests). */
  public static int count() {
    return LIVE.size();
  }

  /** Kills every tracked child and its descendants; used by the shutdown hook. */
  static void killAll() {
    List<Process> live = new ArrayList<>(LIVE);
    List<List<ProcessHandle>> trees = new ArrayList<>();
    for (Process p : live) {
      trees.add(ProcessTree.descendants(p.toHandle()));
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).destroy();
      trees.get(i).forEach(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLITE_WAIT_MS);
    for (Process p : live) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        p.waitFor(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (int i = 0; i < live.size(); i++) {
      ProcessTree.forceKill(live.get(i).toHandle(), trees.get(i));
    }
  }

  private static void installHook() {
    if (HOOK_INSTALLED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(LiveChildren::killAll, "codex-mcp-child-reaper"));
      } catch (IllegalStateException e) {
        // Shutdown already in progress: nothing can be registered any more.
      }
    }
  }
}
