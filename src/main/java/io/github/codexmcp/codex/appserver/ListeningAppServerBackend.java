package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.jsonrpc.UnixWebSocket;
import io.github.codexmcp.jsonrpc.WebSocketJsonRpc;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CodexBackend} over a detached, listening {@code codex app-server} (one per session, on the
 * unix socket {@code socket}): the app-server survives this server, so a turn goes on after the
 * server exits or is killed, and the next server attaches to the same socket.
 *
 * <p><b>Start.</b> {@link #start()} returns at once; on a start thread ({@link StartSteps}) it
 * attaches when something listens on the socket already, otherwise launches the app-server ({@link
 * DetachedSpawn}) and looks for the socket every few milliseconds (at most {@link
 * #LISTEN_TIMEOUT}), with no thread waiting between looks. No caller (a tool call's thread, the
 * work pool that runs the sessions' inboxes) waits for any of it. Then {@code initialize}/{@code
 * initialized} as over stdio; the future completes with the initialize result.
 *
 * <p><b>Leaving.</b> {@link #detach()} closes the connection and leaves the app-server running
 * (pending calls fail with {@code Detached}); {@link #destroy()} also stops its process tree and
 * removes the socket. The connection closing by itself (the app-server died) is reported through
 * {@link BackendListener#onExit} once, unless detached or destroyed.
 *
 * <p><b>Threads.</b> Listener calls come from the socket reader thread {@code
 * appserver-<sessionId>-ws}, serialized by a {@link ListenerDispatcher}; futures complete there too
 * (timeouts on the timer thread), except a failed start: its future fails, and {@link
 * BackendListener#onError} is called, on a start thread, so what callers chain to it must not
 * block. {@code state} fields are volatile, written once by {@link #start()} (on its start thread)
 * before the connection reads; the monitor of this object only guards the start/stop futures (never
 * held across I/O).
 */
public final class ListeningAppServerBackend implements AppServerRequests {
  static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ListeningAppServerBackend.class);

  private final String sessionId;
  private final Supplier<ProcessSpec> spec;
  private final Path socket;
  private final Path log;
  private final Timer timer;
  private final ListenerDispatcher dispatcher;
  private final Consumer<ProcessHandle> onLaunch;

  private volatile WebSocketJsonRpc.Endpoint endpoint;
  private volatile ProcessHandle process;
  private volatile boolean attached;
  private volatile boolean detached;
  private volatile boolean destroyed;
  private CompletableFuture<JsonNode> startFuture;
  private CompletableFuture<Void> destroyFuture;

  /**
   * @param knownPid the app-server's pid when a previous server recorded it (used to stop it when
   *     attaching), or null
   */
  public ListeningAppServerBackend(
      String sessionId,
      Supplier<ProcessSpec> spec,
      Path socket,
      Path log,
      Long knownPid,
      Timer timer) {
    this(sessionId, spec, socket, log, knownPid, timer, p -> {});
  }

  /**
   * @param onLaunch told (on the start thread, see the class comment) about an app-server this
   *     backend launched, before it is connected to
   */
  public ListeningAppServerBackend(
      String sessionId,
      Supplier<ProcessSpec> spec,
      Path socket,
      Path log,
      Long knownPid,
      Timer timer,
      Consumer<ProcessHandle> onLaunch) {
    this.onLaunch = onLaunch;
    this.sessionId = sessionId;
    this.spec = spec;
    this.socket = socket;
    this.log = log;
    this.timer = timer;
    this.dispatcher = new ListenerDispatcher(sessionId);
    this.process = knownPid == null ? null : ProcessHandle.of(knownPid).orElse(null);
  }

  @Override
  public void setListener(BackendListener listener) {
    dispatcher.set(listener);
  }

  @Override
  public CompletableFuture<JsonNode> start() {
    CompletableFuture<JsonNode> started;
    synchronized (this) {
      if (startFuture != null) {
        return startFuture;
      }
      started = new CompletableFuture<>();
      startFuture = started;
    }
    StartSteps.run(() -> startNow(started), started);
    return started;
  }

  /** On a start thread: attaches, or launches and then looks for the socket. */
  private void startNow(CompletableFuture<JsonNode> started) {
    if (destroyed || detached) { // left before its turn came: launch nothing
      started.completeExceptionally(new JsonRpcException.Closed("Client destroyed"));
      return;
    }
    try {
      WebSocketJsonRpc.Endpoint e = tryAttach();
      if (e != null) {
        attached = true;
        connected(e, started);
        return;
      }
      ProcessSpec s = spec.get();
      Files.deleteIfExists(socket);
      ProcessHandle p = DetachedSpawn.start(s, socket, log);
      process = p;
      onLaunch.accept(p);
      LOG.info(
          "[app-server] session {}: detached app-server pid {} on {}", sessionId, p.pid(), socket);
      new StartSteps.SocketWait(
              p,
              socket,
              log,
              LISTEN_TIMEOUT,
              timer,
              () -> destroyed,
              () -> detached,
              this::connect,
              endpoint -> connected(endpoint, started),
              error -> failStart(error, started),
              started)
          .begin();
    } catch (CodexMcpException e) {
      started.completeExceptionally(e);
    } catch (IOException | RuntimeException e) {
      failStart(e, started);
    }
  }

  /** Connected: the handshake, unless the backend was left meanwhile. */
  private void connected(WebSocketJsonRpc.Endpoint e, CompletableFuture<JsonNode> started) {
    endpoint = e;
    if (destroyed || detached) {
      e.socket().close();
      started.completeExceptionally(new JsonRpcException.Closed("Client destroyed"));
      return;
    }
    initialize(started);
  }

  private void failStart(Exception e, CompletableFuture<JsonNode> started) {
    if (destroyed || detached) {
      LOG.debug("[app-server] session {}: start ended, backend left: {}", sessionId, e.toString());
    } else {
      LOG.warn(
          "[app-server] session {}: cannot reach a listening app-server: {}",
          sessionId,
          e.toString());
    }
    dispatcher.deliver(l -> l.onError(e));
    started.completeExceptionally(e);
  }

  /** Whether {@link #start()} found a running app-server instead of launching one. */
  public boolean attached() {
    return attached;
  }

  private WebSocketJsonRpc.Endpoint tryAttach() {
    if (!Files.exists(socket)) {
      return null;
    }
    try {
      return connect();
    } catch (IOException e) {
      return null; // a socket file nobody listens on: launch anew
    }
  }

  private WebSocketJsonRpc.Endpoint connect() throws IOException {
    return WebSocketJsonRpc.open(
        "app-server",
        socket,
        CONNECT_TIMEOUT,
        timer,
        new Inbound(),
        "appserver-" + sessionId + "-ws",
        UnixWebSocket.STREAM_BUFFER);
  }

  private void initialize(CompletableFuture<JsonNode> started) {
    AppServerHandshake.initialize(endpoint.connection(), started);
  }

  /** {@code thread/read}: the thread with its turns when {@code includeTurns}. */
  @Override
  public CompletableFuture<JsonNode> threadRead(String threadId, boolean includeTurns) {
    return call(
        "thread/read",
        Json.object().put("threadId", threadId).put("includeTurns", includeTurns),
        AppServerBackend.DEFAULT_TIMEOUT);
  }

  @Override
  public CompletableFuture<JsonNode> latestTurn(String threadId) {
    return call(
        "thread/turns/list",
        Json.object()
            .put("threadId", threadId)
            .put("limit", 1)
            .put("sortDirection", "desc")
            .put("itemsView", "full"),
        AppServerBackend.DEFAULT_TIMEOUT);
  }

  /** Any app-server method. */
  public CompletableFuture<JsonNode> call(String method, JsonNode params, Duration timeout) {
    if (destroyed || detached) {
      return CompletableFuture.failedFuture(closedReason());
    }
    WebSocketJsonRpc.Endpoint e = endpoint;
    if (e == null) {
      return CompletableFuture.failedFuture(
          new JsonRpcException.Closed("app-server is not connected"));
    }
    return e.connection().request(method, AppServerCommandLine.paramsForCodex(params), timeout);
  }

  @Override
  public void respond(JsonNode id, JsonNode result) {
    writer().respond(id, result);
  }

  @Override
  public void respondError(JsonNode id, int code, String message) {
    writer().respondError(id, code, message);
  }

  private JsonRpcConnection writer() {
    WebSocketJsonRpc.Endpoint e = endpoint;
    if (destroyed || detached || e == null) {
      throw closedReason();
    }
    return e.connection();
  }

  @Override
  public boolean supportsTurnOverrides() {
    return true;
  }

  @Override
  public boolean detachable() {
    return true;
  }

  @Override
  public Long childPid() {
    ProcessHandle p = process;
    return p != null && p.isAlive() ? p.pid() : null;
  }

  @Override
  public BackendMode mode() {
    return BackendMode.APP_SERVER;
  }

  /** Leaves the app-server running and closes the connection; idempotent. */
  @Override
  public boolean detach() {
    if (destroyed || detached) {
      return true;
    }
    detached = true;
    dispatcher.silence();
    closeConnection(new JsonRpcException.Closed("Detached"));
    return true;
  }

  @Override
  public CompletableFuture<Void> destroy() {
    CompletableFuture<Void> done;
    CompletableFuture<JsonNode> started;
    synchronized (this) {
      if (destroyFuture != null) {
        return destroyFuture;
      }
      destroyed = true;
      done = new CompletableFuture<>();
      destroyFuture = done;
      started = startFuture;
    }
    dispatcher.silence();
    JsonRpcException.Closed reason = new JsonRpcException.Closed("Client destroyed");
    closeConnection(reason);
    if (started != null) {
      started.completeExceptionally(reason);
    }
    ProcessHandle p = process;
    CompletableFuture<Void> stopped =
        p == null
            ? CompletableFuture.completedFuture(null)
            : ProcessTree.terminate(p, null, AppServerBackend.KILL_GRACE, timer);
    stopped.whenComplete(
        (v, t) -> {
          try {
            Files.deleteIfExists(socket);
          } catch (IOException e) {
            // a stale socket file is replaced by the next launch
          }
          done.complete(null);
        });
    return done;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  private void closeConnection(JsonRpcException.Closed reason) {
    WebSocketJsonRpc.Endpoint e = endpoint;
    if (e != null) {
      e.connection().close(reason);
      e.socket().close();
    }
  }

  private JsonRpcException.Closed closedReason() {
    return new JsonRpcException.Closed(destroyed ? "Client destroyed" : "Detached");
  }

  /** Reader-thread side of the connection. */
  private final class Inbound implements JsonRpcConnection.Handler {
    @Override
    public void onNotification(String method, JsonNode params) {
      deliver(l -> l.onNotification(method, params));
    }

    @Override
    public void onRequest(JsonNode id, String method, JsonNode params) {
      if (destroyed || detached) {
        return;
      }
      if (!dispatcher.isListening() || !deliver(l -> l.onServerRequest(id, method, params))) {
        try {
          respondError(id, -32601, "Method not handled: " + method);
        } catch (RuntimeException e) {
          LOG.warn("[app-server] could not answer server request {}: {}", id, e.getMessage());
        }
      }
    }

    @Override
    public void onBatchStart() {
      if (!destroyed && !detached) {
        dispatcher.batchStart();
      }
    }

    @Override
    public void onBatchEnd() {
      dispatcher.batchEnd();
    }

    /**
     * A message that is not JSON: logged and skipped. The app-server is shared with other servers
     * and its keeper, so it is not stopped for it (the stdio path stops its own child).
     */
    @Override
    public void onParseError(String line, Exception cause) {
      LOG.warn(
          "[app-server] session {}: skipped a message that is not JSON ({} chars): {}",
          sessionId,
          line.length(),
          line.length() > 200 ? line.substring(0, 200) + "…" : line);
    }

    @Override
    public boolean onEndOfStream(IOException error) {
      if (!destroyed && !detached) {
        LOG.warn("[app-server] session {}: the app-server closed the connection", sessionId);
        deliver(l -> l.onExit(null, null));
      }
      return false;
    }
  }

  private boolean deliver(Consumer<BackendListener> call) {
    return destroyed || detached || dispatcher.deliver(call);
  }
}
