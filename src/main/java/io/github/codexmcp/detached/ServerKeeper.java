package io.github.codexmcp.detached;

import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Periodic;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper of a state directory's detached app-servers while a server lives, inside that server:
 * no second JVM. From the first app-server this server launches ({@link #ensureRunning}) it runs
 * {@link DetachedKeeper#tick()} every {@link #period(Duration)} with the keeper lock ({@link
 * KeeperLock}) held, so at most one keeper, in a server or a process of its own, acts on a runtime
 * directory at a time; without the lock it tries to take it on every pass (the holder may have
 * died, or exited with nothing left). It also starts this server's sentinel ({@link
 * KeeperLauncher#startSentinel}), which becomes the keeper process ({@link KeeperMain}) when this
 * server dies with app-servers left, and starts it again should it be gone.
 *
 * <p>Every server that may hold the lock has a sentinel: the keeping never lapses. A keeper process
 * started by another server's sentinel may hold the lock while this server lives; this server then
 * only tries each pass. It holds its {@link ServerPresence} meanwhile, so that process leaves the
 * keeping to it (exits) and this server's next pass takes over.
 *
 * <p><b>Threads.</b> {@link #ensureRunning} is called on the thread that launched an app-server; it
 * forks the sentinel there, or on the keeper thread when a pass finds it gone (no lock held; {@code
 * starting} lets one caller at a time do it). The pass is scheduled on the timer ({@link
 * Periodic}), whose thread only hands it to {@code passes}: one thread of its own ({@code
 * codex-mcp-keeper}), where the probe may block talking to the app-servers and a stop waits for its
 * process tree; the next pass is scheduled when one ends, so passes never overlap and {@code
 * keeper} stays confined to that thread. {@link #close} runs on the shutdown thread: it stops the
 * passes and releases the lock (a pass under way finishes without it; the JVM exits right after),
 * and its presence, then ends the sentinel's wait. {@code sentinel} and {@code closed} are
 * volatile, {@code started} and {@code starting} atomic; {@code reportedHeld} is the keeper
 * thread's. {@code presenceLock} guards {@code presence} (taken on the keeper thread, the launching
 * thread or the shutdown thread); under it, and under the monitors of {@link KeeperLock} and {@link
 * ServerPresence} (taken inside it), run only the open, non-blocking {@code tryLock} and close of a
 * local lock file, none of which waits for another process.
 */
public final class ServerKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerKeeper.class);

  /** A running sentinel. */
  public interface Sentinel {
    boolean alive();

    long pid();

    /** Ends the sentinel's wait now, as if this server had died. */
    void end();
  }

  private final KeeperLock lock;
  private final DetachedKeeper keeper;
  private final Executor passes;
  private final Supplier<Optional<Sentinel>> sentinels;
  private final Supplier<Optional<ServerPresence>> presences;
  private final Periodic periodic;
  private final Object presenceLock = new Object();
  private ServerPresence presence; // guarded by presenceLock
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean starting = new AtomicBoolean();
  private volatile Sentinel sentinel;
  private volatile boolean closed;
  private boolean reportedHeld; // keeper thread only

  ServerKeeper(
      KeeperLock lock,
      DetachedKeeper keeper,
      Timer timer,
      Duration period,
      Executor passes,
      Supplier<Optional<Sentinel>> sentinels,
      Supplier<Optional<ServerPresence>> presences) {
    this.lock = lock;
    this.keeper = keeper;
    this.passes = passes;
    this.sentinels = sentinels;
    this.presences = presences;
    this.periodic = new Periodic(timer, period, this::handOver);
  }

  /** The real thing for {@code paths}: the probe of {@link KeeperMain}, stops on {@code timer}. */
  public static ServerKeeper create(DetachedPaths paths, Duration ttl, Timer timer, Clock clock) {
    KeeperProbe probe = new KeeperProbe(paths, timer, clock);
    DetachedKeeper keeper =
        new DetachedKeeper(
            paths,
            ttl,
            clock,
            probe,
            p -> ProcessTree.terminate(p, null, DetachedBackends.STOP_GRACE, timer).join());
    ThreadPoolExecutor thread =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            Threads.daemonFactory("codex-mcp-keeper"));
    thread.allowCoreThreadTimeOut(true);
    return new ServerKeeper(
        new KeeperLock(paths.keeperLock()),
        keeper,
        timer,
        period(ttl),
        thread,
        () -> KeeperLauncher.startSentinel(paths, ttl),
        () -> ServerPresence.hold(paths.servers()));
  }

  /** How often a keeper looks: a quarter of the TTL, between 100 ms and 1 s. */
  static Duration period(Duration ttl) {
    return Duration.ofMillis(Math.max(100, Math.min(1_000, ttl.toMillis() / 4)));
  }

  /**
   * This server launched a detached app-server (its record is written): the passes run from now on
   * and a sentinel waits for this server's end. Cheap after the first call, unless the sentinel is
   * gone (then it is started again).
   */
  public void ensureRunning() {
    if (closed) {
      return;
    }
    ensureSentinel();
    keepPresence();
    if (started.compareAndSet(false, true)) {
      LOG.debug("[keeper] keeping detached app-servers in this server");
      periodic.start();
      if (closed) {
        periodic.stop(); // closed meanwhile: close may have stopped the passes before they started
      }
    }
  }

  /**
   * Starts the sentinel unless one runs (or another thread is starting it). One started while
   * {@link #close} runs is ended here: either this sees {@code closed} or close sees the sentinel.
   */
  private void ensureSentinel() {
    Sentinel s = sentinel;
    if ((s == null || !s.alive()) && !closed && starting.compareAndSet(false, true)) {
      try {
        Sentinel started = sentinels.get().orElse(null);
        sentinel = started;
        if (started != null && closed) {
          started.end();
        }
      } finally {
        starting.set(false);
      }
    }
  }

  /**
   * Holds this server's {@link ServerPresence} (a keeper process then leaves the keeping to this
   * server) exactly while its sentinel waits: should this server die before its next pass takes the
   * keeper lock, the sentinel starts a keeper again, so the keeping never lapses. Never after
   * {@link #close} began (checked under {@code presenceLock}, which close takes to release it).
   */
  private void keepPresence() {
    Sentinel s = sentinel;
    boolean waits = s != null && s.alive();
    synchronized (presenceLock) {
      if (closed) {
        return;
      }
      if (waits && presence == null) {
        presence = presences.get().orElse(null); // a keeper process looking: the next pass
      } else if (!waits && presence != null) {
        presence.close();
        presence = null;
      }
    }
  }

  /** Whether this server tells keeper processes that it keeps (tests). */
  boolean present() {
    synchronized (presenceLock) {
      return presence != null;
    }
  }

  /** The sentinel, while one runs (tests, diagnostics). */
  public Optional<Sentinel> sentinel() {
    return Optional.ofNullable(sentinel);
  }

  /** Whether this server's keeper holds the keeper lock. */
  public boolean holdsLock() {
    return lock.held();
  }

  /** On the timer thread: hands the pass to the keeper thread. */
  private void handOver() {
    try {
      passes.execute(this::pass);
    } catch (RejectedExecutionException e) {
      periodic.schedule();
    }
  }

  /**
   * On the keeper thread: starts the sentinel again if it is gone (so a server that may hold the
   * lock always has one), takes the lock if free, then one pass; schedules the next.
   */
  void pass() {
    try {
      ensureSentinel();
      keepPresence();
      if (!closed && lock.tryTake()) {
        if (!reportedHeld) {
          reportedHeld = true;
          LOG.info("[keeper] this server keeps the detached app-servers now");
        }
        keeper.tick();
      }
    } catch (RuntimeException e) {
      LOG.warn("[keeper] pass failed: {}", e.toString());
    } finally {
      periodic.schedule();
    }
  }

  /**
   * Shutdown: no more passes, the lock released (the keeper process of a sentinel, this one's or
   * another's, may take it at once), then this server's sentinel told to go on as if the server had
   * died: it starts the keeper process when app-servers are left. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    periodic.stop();
    lock.close();
    synchronized (presenceLock) {
      if (presence != null) {
        presence.close();
        presence = null;
      }
    }
    Sentinel s = sentinel;
    if (s != null) {
      s.end();
    }
  }
}
