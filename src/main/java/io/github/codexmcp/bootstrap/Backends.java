package io.github.codexmcp.bootstrap;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AppServerBackendFactory;
import io.github.codexmcp.codex.appserver.DetachedSpawn;
import io.github.codexmcp.config.Platform;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.detached.DetachedBackends;
import io.github.codexmcp.detached.DetachedPaths;
import io.github.codexmcp.detached.ServerKeeper;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.util.SystemClock;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates session backends once the backend mode is known (the mode is probed on demand).
 *
 * <p>In app-server mode, when the state store writes to disk and the platform has unix-domain
 * sockets and {@code setsid}, every session gets a detached, listening app-server ({@link
 * DetachedBackends}): its running turn outlives this server, and the next server attaches to it.
 * Otherwise (Windows, memory-only state, no {@code setsid}) the stdio app-server as before, which
 * ends with the server. Exec mode is unchanged. The keeper that ends unused detached app-servers
 * runs in this server ({@link ServerKeeper}) from the first one it launches; {@link #close} stops
 * it at shutdown.
 *
 * <p><b>Threads.</b> Any thread but a Codex reader or the timer thread. {@link #mode()} and the
 * first {@link #create} wait for the mode probe, which runs on a thread of its own; the first
 * {@link #create}, {@link #survives} or {@link #discard} waits for the state store to open (tool
 * calls wait for recovery anyway). None is called under a lock. {@code delegate} and {@code
 * detached} are computed with no lock held and published through volatile fields (a race computes
 * the same value twice, which costs nothing: the factories own no resources). The one {@code
 * keeper} every such factory shares is set once ({@link AtomicReference}; a keeper lost in a race
 * was never started and owns nothing); {@link #close} runs on the shutdown thread.
 */
final class Backends implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private final ServerConfig config;
  private final ResolvedExecutable exe;
  private final CodexInvocation invocation;
  private final Supplier<CompletableFuture<BackendMode>> mode;
  private final CompletableFuture<StateStore> store;
  private final Timer timer;
  private volatile BackendFactory delegate;
  private volatile Optional<DetachedPaths> detached;
  private final AtomicReference<ServerKeeper> keeper = new AtomicReference<>();

  Backends(
      ServerConfig config,
      ResolvedExecutable exe,
      CodexInvocation invocation,
      Supplier<CompletableFuture<BackendMode>> mode,
      CompletableFuture<StateStore> store,
      Timer timer) {
    this.config = config;
    this.exe = exe;
    this.invocation = invocation;
    this.mode = mode;
    this.store = store;
    this.timer = timer;
  }

  @Override
  public BackendMode mode() {
    return mode.get().join();
  }

  @Override
  public CodexBackend create(String sessionId, LaunchOptions options) {
    return delegate().create(sessionId, options);
  }

  /**
   * Whether the session's detached app-server still runs. Needs no mode probe (recovery asks before
   * the probe ran): records exist only where detached app-servers were used.
   */
  @Override
  public boolean survives(String sessionId) {
    return detachedPaths().flatMap(p -> DetachedBackends.liveAppServer(p, sessionId)).isPresent();
  }

  @Override
  public CompletableFuture<Void> discard(String sessionId) {
    return detachedPaths()
        .map(p -> DetachedBackends.discard(p, sessionId, timer))
        .orElse(CompletableFuture.completedFuture(null));
  }

  /** Whether new sessions get detached app-servers (waits for the mode and the store). */
  boolean detachedSessions() {
    return delegate() instanceof DetachedBackends;
  }

  private BackendFactory delegate() {
    BackendFactory d = delegate;
    if (d == null) {
      d = make();
      delegate = d;
    }
    return d;
  }

  private BackendFactory make() {
    SystemProcessLauncher launcher = new SystemProcessLauncher(timer);
    if (mode() == BackendMode.EXEC) {
      return ExecWiring.factory(config, exe, launcher, timer);
    }
    AppServerBackendFactory appServers =
        new AppServerBackendFactory(exe, launcher, timer, config.env(), true);
    Optional<DetachedPaths> paths = detachedPaths();
    if (paths.isEmpty()) {
      return appServers;
    }
    LOG.info("[codex-mcp] sessions get detached app-servers under {}", paths.get().dir());
    Duration ttl = DetachedBackends.ttlFrom(config.env());
    ServerKeeper k =
        keeper.updateAndGet(
            cur ->
                cur != null
                    ? cur
                    : ServerKeeper.create(paths.get(), ttl, timer, SystemClock.INSTANCE));
    return new DetachedBackends(appServers, paths.get(), timer, k);
  }

  /**
   * Shutdown (the shutdown thread): the keeper of detached app-servers in this server stops and
   * releases its lock; nothing when no detached app-server was ever used.
   */
  void close() {
    ServerKeeper k = keeper.get();
    if (k != null) {
      k.close();
    }
  }

  /** Where detached app-servers live, or empty where they are not used (see class doc). */
  private Optional<DetachedPaths> detachedPaths() {
    Optional<DetachedPaths> p = detached;
    if (p == null) {
      StateStore s = store.join();
      p =
          !Platform.isWindows(config.platform()) && DetachedSpawn.ownSession() && s.enabled()
              ? DetachedPaths.forStateDir(s.stateDir(), config.env())
              : Optional.empty();
      detached = p;
    }
    return p;
  }
}
