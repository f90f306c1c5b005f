package io.github.codexmcp.detached;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.appserver.AppServerBackendFactory;
import io.github.codexmcp.codex.appserver.ListeningAppServerBackend;
import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates app-server backends that outlive the server ({@link ListeningAppServerBackend}) on the
 * sockets of {@link DetachedPaths}: a session whose app-server still runs is attached to, not
 * launched again. Each launched app-server gets a {@link DetachedRecord} and then a running keeper
 * ({@link ServerKeeper#ensureRunning}: in this server while it lives, then its sentinel's keeper
 * process), so it ends {@code ttl} after nobody needs it. Thread-safe: its fields are immutable and
 * the keeper is thread-safe; whoever made the keeper closes it.
 */
public final class DetachedBackends implements BackendFactory {
  /** Default of {@code CODEX_MCP_DETACHED_TTL_MS}: the idle timeout of a session. */
  public static final Duration DEFAULT_TTL = Duration.ofMillis(1_800_000);

  /** How long a stopped app-server gets to exit before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(DetachedBackends.class);

  private final AppServerBackendFactory appServers;
  private final DetachedPaths paths;
  private final Timer timer;
  private final ServerKeeper keeper;

  public DetachedBackends(
      AppServerBackendFactory appServers, DetachedPaths paths, Timer timer, ServerKeeper keeper) {
    this.appServers = appServers;
    this.paths = paths;
    this.timer = timer;
    this.keeper = keeper;
  }

  /** {@code CODEX_MCP_DETACHED_TTL_MS} or the default; bad values fall back to the default. */
  public static Duration ttlFrom(java.util.Map<String, String> env) {
    String v = env.get("CODEX_MCP_DETACHED_TTL_MS");
    try {
      long ms = v == null || v.isBlank() ? -1 : Long.parseLong(v.trim());
      return ms > 0 ? Duration.ofMillis(ms) : DEFAULT_TTL;
    } catch (NumberFormatException e) {
      LOG.warn("[detached] ignoring CODEX_MCP_DETACHED_TTL_MS={}: not a number", v);
      return DEFAULT_TTL;
    }
  }

  @Override
  public ListeningAppServerBackend create(String sessionId, LaunchOptions options) {
    Long known = liveAppServer(sessionId).map(ProcessHandle::pid).orElse(null);
    return new ListeningAppServerBackend(
        sessionId,
        () -> appServers.processSpec(options),
        paths.socket(sessionId),
        paths.log(sessionId),
        known,
        timer,
        p -> launched(sessionId, p, options.approvalTimeoutMs()));
  }

  /** The session's detached app-server, when one still runs. */
  public Optional<ProcessHandle> liveAppServer(String sessionId) {
    return liveAppServer(paths, sessionId);
  }

  /** The detached app-server of {@code sessionId} under {@code paths}, when one still runs. */
  public static Optional<ProcessHandle> liveAppServer(DetachedPaths paths, String sessionId) {
    return DetachedRecord.read(paths.record(sessionId)).flatMap(DetachedRecord::liveProcess);
  }

  @Override
  public boolean survives(String sessionId) {
    return liveAppServer(sessionId).isPresent();
  }

  @Override
  public CompletableFuture<Void> discard(String sessionId) {
    return discard(paths, sessionId, timer);
  }

  /**
   * Stops the detached app-server of {@code sessionId} under {@code paths} (its process tree:
   * politely, then forcibly after {@link #STOP_GRACE}) and removes its socket, log and record.
   * Never fails; completes at once when none runs.
   */
  public static CompletableFuture<Void> discard(
      DetachedPaths paths, String sessionId, Timer timer) {
    Optional<ProcessHandle> live = liveAppServer(paths, sessionId);
    CompletableFuture<Void> stopped =
        live.map(p -> ProcessTree.terminate(p, null, STOP_GRACE, timer))
            .orElse(CompletableFuture.completedFuture(null));
    live.ifPresent(
        p -> LOG.info("[detached] stopping the app-server of {} (pid {})", sessionId, p.pid()));
    return stopped.handle(
        (v, t) -> {
          for (Path f :
              new Path[] {paths.record(sessionId), paths.socket(sessionId), paths.log(sessionId)}) {
            try {
              Files.deleteIfExists(f);
            } catch (IOException | RuntimeException e) {
              LOG.debug("[detached] cannot remove {}: {}", f, e.toString());
            }
          }
          return null;
        });
  }

  private void launched(String sessionId, ProcessHandle p, Long approvalTimeoutMs) {
    try {
      DetachedRecord.of(sessionId, p, approvalTimeoutMs).write(paths.record(sessionId));
    } catch (IOException e) {
      LOG.warn("[detached] cannot record the app-server of {}: {}", sessionId, e.toString());
    }
    keeper.ensureRunning();
  }

  /** This server's keeper of the detached app-servers. */
  public ServerKeeper keeper() {
    return keeper;
  }

  @Override
  public BackendMode mode() {
    return BackendMode.APP_SERVER;
  }

  /** Where the sockets live. */
  public DetachedPaths paths() {
    return paths;
  }

  /** Whether {@code backend} came from here (so it can be detached rather than destroyed). */
  public static boolean isDetachable(CodexBackend backend) {
    return backend instanceof ListeningAppServerBackend;
  }
}
