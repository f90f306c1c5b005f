package io.github.codexmcp.process;

import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Stops a process together with everything it started.
 *
 * <p>Codex runs shell commands and MCP servers in their own sessions and process groups (bwrap
 * {@code --new-session}), so a process-group kill misses them. Instead the descendants are captured
 * from {@link ProcessHandle#descendants()} <em>before</em> anything is signalled: once the root
 * dies its children are re-parented and drop out of the tree.
 *
 * <p>Sequence: snapshot descendants, close stdin (on a thread of its own, which may wait for a
 * writer blocked on a child that stopped reading), polite signal (SIGTERM on POSIX) to the root and
 * every descendant, then after {@code grace} a forcible kill of everything still alive (including
 * descendants that appeared during the grace period while the root was still alive). Completion
 * waits for the root and every captured descendant; zombies count as exited.
 *
 * <p>Thread-safety: safe from any thread, no lock. The only state is {@code IN_GRACE}, a concurrent
 * set of the grace periods under way (for {@link #forceKillAllInGrace}). Never waits: signals and
 * {@code /proc} reads are system calls, the grace period and the settle polls run on the injected
 * {@link Timer}; the returned future completes on the timer thread or the JDK's process-exit
 * thread.
 */
public final class ProcessTree {
  static final Duration SETTLE_POLL = Duration.ofMillis(50);
  private static final Set<Runnable> IN_GRACE = ConcurrentHashMap.newKeySet();

  private ProcessTree() {}

  /**
   * Terminates {@code root} and its descendants. The returned future completes when the root and
   * every captured descendant have exited, or when the forcible kill has been sent after {@code
   * grace}, whichever comes first. It never completes exceptionally.
   *
   * @param stdin the root's stdin to close first (null when there is none)
   */
  public static CompletableFuture<Void> terminate(
      ProcessHandle root, Closeable stdin, Duration grace, Timer timer) {
    Set<ProcessHandle> tree = new java.util.LinkedHashSet<>(descendants(root));
    closeWithoutWaiting(stdin);
    // Closing stdin lets the child start shutting down; catch what it spawned meanwhile.
    tree.addAll(descendants(root));
    List<ProcessHandle> snapshot = new ArrayList<>(tree);
    destroyPolitely(root);
    snapshot.forEach(ProcessTree::destroyPolitely);

    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicReference<Timer.Cancellable> force = new AtomicReference<>();
    Runnable forceNow =
        () -> {
          forceKill(root, snapshot);
          done.complete(null);
        };
    IN_GRACE.add(forceNow);
    done.whenComplete((v, t) -> IN_GRACE.remove(forceNow));
    force.set(timer.schedule(grace, forceNow));
    if (isOurChild(root)) {
      root.onExit().thenRun(() -> settle(snapshot, done, force, timer));
    } else {
      // the JDK learns of a stranger's end by polling from a thread of its own, 300 ms apart and
      // slower: the settle polls watch the root along with its descendants instead
      List<ProcessHandle> withRoot = new ArrayList<>(snapshot);
      withRoot.add(root);
      settleLater(withRoot, done, force, timer);
    }
    return done;
  }

  /** Whether {@code h} is a child of this JVM (whose exit the JDK's reaper reports at once). */
  static boolean isOurChild(ProcessHandle h) {
    long self = ProcessHandle.current().pid();
    return h.parent().map(p -> p.pid() == self).orElse(false);
  }

  /**
   * Ends every grace period in progress now: each tree whose {@link #terminate} has not completed
   * yet is killed forcibly (root, captured descendants and current descendants) and its future
   * completed. For shutdown, which cannot wait for the full grace period. Returns the number of
   * such trees.
   */
  public static int forceKillAllInGrace() {
    List<Runnable> pending = new ArrayList<>(IN_GRACE);
    pending.forEach(Runnable::run);
    return pending.size();
  }

  /**
   * Completes {@code done} once no captured descendant runs any more, re-checking every {@link
   * #SETTLE_POLL} (descendants may exit after the root, and killed ones linger as zombies until
   * their new parent reaps them).
   */
  private static void settle(
      List<ProcessHandle> snapshot,
      CompletableFuture<Void> done,
      AtomicReference<Timer.Cancellable> force,
      Timer timer) {
    if (done.isDone()) {
      return;
    }
    if (snapshot.stream().noneMatch(ProcessTree::running)) {
      Timer.Cancellable f = force.get();
      if (f != null) {
        f.cancel();
      }
      done.complete(null);
      return;
    }
    settleLater(snapshot, done, force, timer);
  }

  private static void settleLater(
      List<ProcessHandle> watched,
      CompletableFuture<Void> done,
      AtomicReference<Timer.Cancellable> force,
      Timer timer) {
    try {
      timer.schedule(SETTLE_POLL, () -> settle(watched, done, force, timer));
    } catch (RuntimeException e) {
      done.complete(null); // timer gone (shutdown): nothing left to wait with
    }
  }

  /**
   * Whether {@code h} still runs. Unlike {@link ProcessHandle#isAlive()} a zombie (Linux state
   * {@code Z}: exited, not yet reaped by its parent) counts as exited.
   */
  static boolean running(ProcessHandle h) {
    return h.isAlive() && !isZombie(h.pid());
  }

  /** Public form of {@link #running}: alive and not a zombie. */
  public static boolean isRunning(ProcessHandle h) {
    return running(h);
  }

  private static boolean isZombie(long pid) {
    try {
      String s =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      int close = s.lastIndexOf(')'); // "pid (comm) S ...", comm may contain ") "
      return close >= 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // no procfs, or already gone: isAlive() decides
    }
  }

  /** Forcibly kills the root, the given earlier snapshot and any current descendant. */
  public static void forceKill(ProcessHandle root, List<ProcessHandle> snapshot) {
    Set<ProcessHandle> all = new LinkedHashSet<>(descendants(root));
    all.addAll(snapshot);
    all.add(root);
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  /** The current descendants of {@code root}, deepest-first order not guaranteed. */
  public static List<ProcessHandle> descendants(ProcessHandle root) {
    try {
      return root.descendants().collect(Collectors.toCollection(ArrayList::new));
    } catch (RuntimeException e) {
      return new ArrayList<>();
    }
  }

  private static void destroyPolitely(ProcessHandle h) {
    try {
      if (h.isAlive()) {
        h.destroy();
      }
    } catch (RuntimeException e) {
      // Not permitted or already gone: the forcible pass will try again.
    }
  }

  /**
   * Closes {@code c} on a short-lived thread of its own: a writer blocked on a child that stopped
   * reading holds the stream's monitor, and closing waits for it; the signals must not wait with it
   * (the kill is what frees that writer).
   */
  private static void closeWithoutWaiting(Closeable c) {
    if (c != null) {
      Threads.startDaemon("codex-mcp-close-stdin", () -> closeQuietly(c));
    }
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // Broken pipe when the child is already gone; nothing to do.
    }
  }
}
