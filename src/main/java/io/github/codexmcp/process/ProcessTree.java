package io.github.codexmcp.process;

import io.github.codexmcp.util.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Stops a process together with everything it started.
 *
 * <p>Codex runs shell commands and MCP servers in their own sessions and process groups (bwrap
 * {@code --new-session}), so a process-group kill misses them. Instead the descendants are
 * captured from {@link ProcessHandle#descendants()} <em>before</em> anything is signalled: once the
 * root dies its children are re-parented and drop out of the tree.
 *
 * <p>Sequence: snapshot descendants, close stdin, snapshot again (closing stdin may make the child
 * spawn or reap), polite signal (SIGTERM on POSIX) to the root and every captured descendant, then
 * after {@code grace} a forcible kill of everything still alive (including descendants that
 * appeared during the grace period while the root was still alive). Once the root has exited,
 * the captured descendants are polled every 50 ms on the timer so that completion does not wait
 * for the whole grace period.
 *
 * <p>Thread-safety: stateless; safe from any thread. Never blocks: the grace period runs on the
 * injected {@link Timer}.
 */
public final class ProcessTree {
  private static final Duration DESCENDANT_POLL = Duration.ofMillis(50);

  private ProcessTree() {}

  /**
   * Terminates {@code root} and its descendants. The returned future completes when the root and
   * every captured descendant have exited (see {@link #isRunning}), or when the forcible kill has
   * been sent after {@code grace}, whichever comes first. It never completes exceptionally.
   *
   * @param stdin the root's stdin to close first (null when there is none)
   */
  public static CompletableFuture<Void> terminate(
      ProcessHandle root, Closeable stdin, Duration grace, Timer timer) {
    Set<ProcessHandle> tree = new LinkedHashSet<>(descendants(root));
    closeQuietly(stdin);
    // Closing stdin lets the child start shutting down; catch what it spawned meanwhile.
    tree.addAll(descendants(root));
    List<ProcessHandle> snapshot = new ArrayList<>(tree);
    destroyPolitely(root);
    snapshot.forEach(ProcessTree::destroyPolitely);

    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicReference<Timer.Cancellable> force = new AtomicReference<>();
    force.set(
        timer.schedule(
            grace,
            () -> {
              forceKill(root, snapshot);
              done.complete(null);
            }));
    root.onExit().thenRun(() -> awaitDescendants(snapshot, done, force, timer));
    return done;
  }

  /**
   * Whether {@code h} is still running. A killed process that is not our child stays a zombie
   * until its new parent reaps it (in containers PID 1 may be slow to do so), and {@link
   * ProcessHandle#isAlive()} counts zombies as alive; on Linux they are recognised and count as
   * gone.
   */
  public static boolean isRunning(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(h.pid()), "stat");
    try {
      String s = Files.readString(stat);
      int close = s.lastIndexOf(')');
      return !(close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z');
    } catch (IOException | RuntimeException e) {
      return h.isAlive();
    }
  }

  private static void awaitDescendants(
      List<ProcessHandle> snapshot,
      CompletableFuture<Void> done,
      AtomicReference<Timer.Cancellable> force,
      Timer timer) {
    if (done.isDone()) {
      return;
    }
    if (snapshot.stream().noneMatch(ProcessTree::isRunning)) {
      Timer.Cancellable f = force.get();
      if (f != null) {
        f.cancel();
      }
      done.complete(null);
      return;
    }
    timer.schedule(DESCENDANT_POLL, () -> awaitDescendants(snapshot, done, force, timer));
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
