package io.github.codexmcp.server;

import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orderly, bounded shutdown. Triggered by end of stdin, by SIGTERM/SIGINT, or by a fatal error;
 * runs once. Running turns whose Codex outlives the server (detached app-servers) are left to it
 * and the server exits at once; only turns whose Codex ends with the server (stdio app-servers of
 * memory-only state, exec mode) are waited for after end of stdin, for up to 10 s.
 *
 * <p><b>Threads.</b> {@link #onEndOfInput} runs on the stdin reader thread and re-checks on the
 * timer thread; {@link #shutdown} runs on whichever thread triggers it (the first caller wins,
 * through {@code started}; after a re-check a daemon thread of its own, {@code
 * codex-mcp-shutdown-eof}, never the timer thread, which the children's stops need) and blocks
 * while it stops the children (bounded by {@link #CHILD_STOP_MS}, after which the grace periods
 * still under way are cut short); a daemon thread ({@code codex-mcp-force-exit}) halts the JVM if
 * that takes more than 5 s. The JVM shutdown hook waits on {@code finished} (at most {@link
 * #HOOK_WAIT_MS}) for a shutdown already under way; it is a thread of its own that serves no one
 * else. {@code eofAt} is volatile (written by the reader, read by the timer); {@code finalSteps} is
 * filled while the server is built, before it reads stdin. No locks.
 */
public final class ShutdownCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);
  static final long DRAIN_CHECK_MS = 750;
  static final long DRAIN_MAX_MS = 10_000;

  /**
   * Polite stop of the children; then they are killed, so that all ends before the forced exit (5
   * s).
   */
  static final long CHILD_STOP_MS = 3_000;

  static final long FORCE_WAIT_MS = 500;

  /** How long the JVM shutdown hook waits for a shutdown already in progress. */
  static final long HOOK_WAIT_MS = CHILD_STOP_MS + FORCE_WAIT_MS + 1_500;

  private final SessionManager sessions;
  private final CancellationRegistry cancellations;
  private final Timer timer;
  private final IntConsumer exit;
  private final List<Runnable> finalSteps = new ArrayList<>();
  private final IntConsumer halt;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile long eofAt = -1;

  public ShutdownCoordinator(
      SessionManager sessions, CancellationRegistry cancellations, Timer timer, IntConsumer exit) {
    this(sessions, cancellations, timer, exit, code -> Runtime.getRuntime().halt(code));
  }

  /** As above with the forced-exit action injected (tests). */
  ShutdownCoordinator(
      SessionManager sessions,
      CancellationRegistry cancellations,
      Timer timer,
      IntConsumer exit,
      IntConsumer halt) {
    this.sessions = sessions;
    this.cancellations = cancellations;
    this.timer = timer;
    this.exit = exit;
    this.halt = halt;
  }

  /** Adds a step run after the children are stopped (state flush, lock release). */
  public void addFinalStep(Runnable step) {
    finalSteps.add(step);
  }

  /**
   * End of stdin: the client is gone. Waits at most 10 s for running sessions whose Codex would end
   * with the server; none: exits now.
   */
  public void onEndOfInput() {
    eofAt = System.nanoTime();
    LOG.info("[codex-mcp] stdin end observed — entering guarded shutdown checks");
    checkDrain(false);
  }

  /** {@code onTimer}: a re-check, whose shutdown goes to a thread of its own (it blocks). */
  private void checkDrain(boolean onTimer) {
    if (started.get()) {
      return;
    }
    int active = sessions.runningEndingWithServer();
    long elapsed = (System.nanoTime() - eofAt) / 1_000_000;
    if (active == 0) {
      int goOn = sessions.runningSessionCount();
      if (goOn == 0) {
        LOG.info("[codex-mcp] stdin closed with no active sessions — shutting down");
      } else {
        LOG.info(
            "[codex-mcp] stdin closed; {} running session(s) go on without this server — shutting"
                + " down",
            goOn);
      }
      shutdownFrom(onTimer, "stdin_end");
    } else if (elapsed >= DRAIN_MAX_MS) {
      LOG.info(
          "[codex-mcp] stdin closed and drain period ({}ms) elapsed — forcing shutdown",
          DRAIN_MAX_MS);
      shutdownFrom(onTimer, "stdin_end_timeout");
    } else {
      LOG.info(
          "[codex-mcp] stdin closed; {} active session(s) — waiting up to {}ms (elapsed: {}ms)",
          active,
          DRAIN_MAX_MS,
          elapsed);
      timer.schedule(Duration.ofMillis(DRAIN_CHECK_MS), () -> checkDrain(true));
    }
  }

  /**
   * A shutdown blocks while the children stop, and their stops need the timer (grace periods,
   * settle polls): never on the timer thread.
   */
  private void shutdownFrom(boolean onTimer, String reason) {
    if (onTimer) {
      Threads.startDaemon("codex-mcp-shutdown-eof", () -> shutdown(reason, 0));
    } else {
      shutdown(reason, 0);
    }
  }

  /** Stops everything and exits with {@code code}; later calls are ignored. */
  public void shutdown(String reason, int code) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    Thread force =
        new Thread(
            () -> {
              try {
                Thread.sleep(5_000);
              } catch (InterruptedException e) {
                return;
              }
              halt.accept(code);
            },
            "codex-mcp-force-exit");
    force.setDaemon(true);
    force.start();
    stopAll(reason);
    exit.accept(code);
  }

  /** The work of a shutdown without exiting (used by the JVM shutdown hook too). */
  public void stopAll(String reason) {
    LOG.info(
        "[codex-mcp] shutdown triggered (reason={}, activeSessions={}, total={})",
        reason,
        sessions.runningSessionCount(),
        sessions.totalSessionCount());
    cancellations.cancelAll();
    CompletableFuture<Void> stopped = sessions.closeAsync();
    try {
      stopped.get(CHILD_STOP_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // A hung child ignores SIGTERM; its own 5 s escalation would come after the forced exit.
      int trees = ProcessTree.forceKillAllInGrace();
      LOG.warn(
          "[codex-mcp] {} child process tree(s) still running after {}ms — force killing",
          trees,
          CHILD_STOP_MS);
      try {
        stopped.get(FORCE_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e2) {
        LOG.warn("[codex-mcp] not every child stopped in time: {}", e2.toString());
      }
    } catch (Exception e) {
      LOG.warn("[codex-mcp] not every child stopped in time: {}", e.toString());
    }
    try {
      for (Runnable r : finalSteps) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("[codex-mcp] shutdown step failed: {}", e.toString());
        }
      }
    } finally {
      finished.countDown();
    }
  }

  /** Installs the SIGTERM/SIGINT hook. */
  public void installSignalHook() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onJvmShutdown, "codex-mcp-shutdown"));
  }

  /**
   * The JVM is exiting (signal, or {@code System.exit}): stops everything, or, when a shutdown is
   * already under way on another thread (say stdin EOF followed by the client's SIGTERM), waits for
   * it to finish; the JVM halts once the hooks return, which would cut that shutdown short before
   * it flushed the event logs and released the lock.
   */
  void onJvmShutdown() {
    if (started.compareAndSet(false, true)) {
      stopAll("SIGTERM");
      return;
    }
    try {
      finished.await(HOOK_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
