package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.StderrTail;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CodexBackend} over one {@code codex app-server} child speaking JSON-RPC on its stdio.
 *
 * <p><b>Start.</b> {@link #start()} builds the {@link ProcessSpec} (this may read profile files and
 * fail with {@code INVALID_ARGUMENT}), spawns the child <em>on the calling thread</em> (a blocking
 * fork/exec of a few milliseconds: call it from a work thread), then sends {@code initialize}
 * ({@code {"clientInfo":{"name":"codex-mcp","version":"2.1.7"},
 * "capabilities":{"experimentalApi":true}}}, 30 s) and, once answered, the {@code initialized}
 * notification. The future completes with the initialize result. A spawn failure fails the future
 * and is also reported once through {@link BackendListener#onError}.
 *
 * <p><b>Calls.</b> {@code thread/start} and {@code turn/start} time out after 90 s, everything else
 * after 30 s (overloads take an explicit timeout). {@code approvalPolicy: "on-failure"} in params
 * is sent as {@code on-request}. Failures: {@code Client destroyed}; {@code app-server is not
 * running (stdin not writable)}; {@code RPC error <code>: <message>}; {@code Request <method> timed
 * out after <ms>ms}; {@code app-server exited (code: <c>, signal: <s|null>)}; {@code Error
 * [PROTOCOL_PARSE_ERROR]: app-server protocol error: failed to parse JSON line: <first 200 chars>}
 * (the child is then terminated); {@code Failed to write to app-server: <reason>} (every pending
 * call fails with it and the child is terminated: a broken stdin does not heal). Writes are
 * synchronous on the caller's thread under the connection's write lock; there is no write queue,
 * and a write blocks while the child does not read its stdin.
 *
 * <p><b>State.</b> This object's monitor guards {@code startFuture} and {@code destroyFuture} (one
 * start, one destroy) and orders the spawned child against a concurrent destroy; it is held for
 * field work only. {@code child}, {@code connection}, {@code stderr}, {@code destroyed} and {@code
 * exited} are volatile, written by the starting, destroying or exit thread and read without a lock;
 * the exit and error reports are once-only atomic flags.
 *
 * <p><b>Listener threading.</b> Listener calls are serialized (never concurrent) and in arrival
 * order. Notifications and server requests arrive on the reader thread {@code
 * appserver-<sessionId>-out}; {@link BackendListener#onExit} comes after the last line of stdout
 * was dispatched, on the reader thread or the JDK's process-exit thread; {@link
 * BackendListener#onError} comes from the thread calling {@link #start()}. Listener methods must
 * not block: they delay every later message of this child (the session layer's listener only hands
 * each report to the session's inbox on the work pool). Futures returned by the calls also complete
 * on the reader thread (timeouts: the timer thread; destroy: the destroying thread), so their
 * continuations must not block either. Server requests arriving without a listener are answered
 * {@code -32601 Method not handled: <method>}.
 *
 * <p><b>Exit.</b> When the child exits on its own, pending calls fail with {@code app-server exited
 * (...)} and {@link BackendListener#onExit} fires once with the exit code, or with a null code and
 * the signal name when the JDK reports 128+n for a signal (SIGHUP..SIGTERM). Nothing is reported
 * once {@link #destroy()} has begun.
 *
 * <p><b>Destroy.</b> {@link #destroy()} is idempotent: pending calls fail with {@code Client
 * destroyed}, the listener is dropped, and the child tree is stopped (stdin closed, SIGTERM to the
 * child and its descendants, forcible kill after 5 s). The future completes when the child exited
 * or the forcible kill was sent.
 */
public final class AppServerBackend implements AppServerRequests {
  public static final String CLIENT_NAME = "codex-mcp";
  public static final String CLIENT_VERSION = "2.1.7";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration LONG_TIMEOUT = Duration.ofSeconds(90);
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);

  /** How long an exit waits for the rest of stdout before it is reported anyway. */
  static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  /** How long a closed stdout waits for the exit before the child is stopped. */
  static final Duration EXIT_AFTER_EOF = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(AppServerBackend.class);
  private static final int STDERR_TAIL_LINES = 50;
  private static final int PARSE_ERROR_SNIPPET = 200;

  private final String sessionId;
  private final Supplier<ProcessSpec> spec;
  private final ProcessLauncher launcher;
  private final Timer timer;
  private final ListenerDispatcher dispatcher;
  private final AtomicBoolean exitReported = new AtomicBoolean();
  private final AtomicBoolean errorReported = new AtomicBoolean();
  private final CompletableFuture<Void> endOfStdout = new CompletableFuture<>();

  private volatile boolean destroyed;
  private volatile ChildProcess child;
  private volatile JsonRpcConnection connection;
  private volatile StderrTail stderr;
  private volatile boolean exited;
  private CompletableFuture<JsonNode> startFuture;
  private CompletableFuture<Void> destroyFuture;

  /**
   * @param sessionId used in thread names ({@code appserver-<sessionId>-out/-err}) and logs
   * @param spec builds what to launch; called once by {@link #start()}, may throw {@link
   *     CodexMcpException}
   */
  public AppServerBackend(
      String sessionId, Supplier<ProcessSpec> spec, ProcessLauncher launcher, Timer timer) {
    this.sessionId = sessionId;
    this.spec = spec;
    this.launcher = launcher;
    this.timer = timer;
    this.dispatcher = new ListenerDispatcher(sessionId);
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
    if (destroyed) {
      started.completeExceptionally(clientDestroyed());
      return started;
    }
    ChildProcess spawned;
    try {
      ProcessSpec s = spec.get();
      spawned = launcher.start(s);
    } catch (CodexMcpException e) {
      started.completeExceptionally(e);
      return started;
    } catch (IOException | RuntimeException e) {
      LOG.warn("[app-server] failed to spawn for session {}: {}", sessionId, e.getMessage());
      reportError(e);
      started.completeExceptionally(e);
      return started;
    }
    boolean refused;
    synchronized (this) {
      child = spawned;
      refused = destroyed; // else a destroy from now on sees the child and stops it
    }
    if (refused) { // destroyed while spawning: stopped outside the monitor
      spawned.terminate(KILL_GRACE);
      started.completeExceptionally(clientDestroyed());
      return started;
    }
    connection = new JsonRpcConnection("app-server", stdinOf(spawned), timer, new Inbound());
    // initialize goes out before the reader threads start: Codex takes tens of milliseconds to
    // answer, and starting threads first put ~1.5 ms in front of every session's start
    initialize(started);
    listen(spawned);
    return started;
  }

  /** {@code thread/start} with an explicit timeout. */
  public CompletableFuture<JsonNode> threadStart(ObjectNode params, Duration timeout) {
    return call(AppServerMethods.THREAD_START, params, timeout);
  }

  /** {@code turn/start} with an explicit timeout. */
  public CompletableFuture<JsonNode> turnStart(ObjectNode params, Duration timeout) {
    return call(AppServerMethods.TURN_START, params, timeout);
  }

  /**
   * Any other app-server method (for example {@code model/list}); {@code params} null means {@code
   * {}}.
   */
  public CompletableFuture<JsonNode> call(String method, JsonNode params, Duration timeout) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    JsonRpcConnection c = connection;
    if (c == null) {
      return CompletableFuture.failedFuture(notRunning());
    }
    return c.request(method, AppServerCommandLine.paramsForCodex(params), timeout);
  }

  @Override
  public void respond(JsonNode id, JsonNode result) {
    writer().respond(id, result);
  }

  @Override
  public void respondError(JsonNode id, int code, String message) {
    writer().respondError(id, code, message);
  }

  @Override
  public boolean supportsTurnOverrides() {
    return true;
  }

  @Override
  public Long childPid() {
    ChildProcess c = child;
    return c != null && !exited && c.isAlive() ? c.pid() : null;
  }

  @Override
  public BackendMode mode() {
    return BackendMode.APP_SERVER;
  }

  @Override
  public CompletableFuture<Void> destroy() {
    CompletableFuture<Void> done;
    ChildProcess c;
    CompletableFuture<JsonNode> started;
    synchronized (this) {
      if (destroyFuture != null) {
        return destroyFuture;
      }
      destroyed = true;
      done = new CompletableFuture<>();
      destroyFuture = done;
      c = child;
      started = startFuture;
    }
    dispatcher.silence();
    JsonRpcException reason = clientDestroyed();
    JsonRpcConnection conn = connection;
    if (conn != null) {
      conn.close(reason);
    }
    if (started != null) {
      started.completeExceptionally(reason);
    }
    if (c == null) {
      done.complete(null);
    } else {
      c.terminate(KILL_GRACE).whenComplete((v, t) -> done.complete(null));
    }
    return done;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** The last lines the child wrote to stderr, paths redacted; empty before start. */
  public String stderrTail() {
    StderrTail t = stderr;
    return t == null ? "" : t.text();
  }

  private static OutputStream stdinOf(ChildProcess c) {
    return c.stdin() != null ? c.stdin() : OutputStream.nullOutputStream();
  }

  /** Starts draining the child's stderr, reading its stdout, and watching for its exit. */
  private void listen(ChildProcess c) {
    JsonRpcConnection conn = connection;
    stderr =
        StderrTail.start(
            c.stderr(),
            "appserver-" + sessionId + "-err",
            "[app-server stderr] ",
            STDERR_TAIL_LINES);
    conn.startReading(c.stdout(), "appserver-" + sessionId + "-out");
    c.onExit().whenComplete((code, error) -> onChildExit(code == null ? -1 : code));
  }

  private void initialize(CompletableFuture<JsonNode> started) {
    AppServerHandshake.initialize(connection, started);
  }

  /** Reader-thread side of the connection. */
  private final class Inbound implements JsonRpcConnection.Handler {
    @Override
    public void onNotification(String method, JsonNode params) {
      deliver(l -> l.onNotification(method, params));
    }

    @Override
    public void onRequest(JsonNode id, String method, JsonNode params) {
      if (destroyed) {
        return;
      }
      if (!dispatcher.isListening()) {
        answerError(id, -32601, "Method not handled: " + method);
        return;
      }
      if (!deliver(l -> l.onServerRequest(id, method, params)) && !destroyed) {
        // A listener that failed has probably not parked the request: never leave it unanswered.
        answerError(id, -32603, "Internal error while handling " + method);
      }
    }

    @Override
    public void onBatchStart() {
      if (!destroyed) {
        dispatcher.batchStart();
      }
    }

    @Override
    public void onBatchEnd() {
      dispatcher.batchEnd();
    }

    @Override
    public void onParseError(String line, Exception cause) {
      protocolError(line);
    }

    @Override
    public void onWriteFailure(JsonRpcException failure) {
      // A child whose stdin is broken cannot be driven any more; make sure it goes away.
      LOG.warn("[app-server] session {}: {}; stopping the child", sessionId, failure.getMessage());
      ChildProcess c = child;
      if (c != null && !destroyed) {
        c.terminate(KILL_GRACE);
      }
    }

    @Override
    public boolean onEndOfStream(IOException error) {
      endOfStdout.complete(null);
      timer.schedule(EXIT_AFTER_EOF, AppServerBackend.this::stdoutClosedWithoutExit);
      return true;
    }
  }

  private void protocolError(String line) {
    String snippet =
        line.length() > PARSE_ERROR_SNIPPET ? line.substring(0, PARSE_ERROR_SNIPPET) : line;
    CodexMcpException error =
        new CodexMcpException(
            ErrorCode.PROTOCOL_PARSE_ERROR,
            "app-server protocol error: failed to parse JSON line: " + snippet);
    LOG.warn("[app-server] {}", error.getMessage());
    JsonRpcConnection conn = connection;
    if (conn != null) {
      conn.close(error);
    }
    ChildProcess c = child;
    if (c != null) {
      c.terminate(KILL_GRACE);
    }
  }

  private void onChildExit(int rawCode) {
    exited = true;
    // Report only after stdout is drained, so responses and notifications written just before
    // the exit are still delivered; a descendant holding the pipe open must not delay it forever.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Timer.Cancellable fallback = timer.schedule(DRAIN_AFTER_EXIT, () -> drained.complete(null));
    endOfStdout.whenComplete(
        (v, t) -> {
          fallback.cancel();
          drained.complete(null);
        });
    drained.thenRun(() -> finishExit(rawCode));
  }

  private void finishExit(int rawCode) {
    ExitStatus status = ExitStatus.decode(rawCode, !isWindows());
    JsonRpcConnection conn = connection;
    if (conn != null) {
      conn.close(new JsonRpcException.Closed(status.message()));
    }
    closeStdinQuietly();
    if (destroyed || !exitReported.compareAndSet(false, true)) {
      return;
    }
    LOG.warn(
        "[app-server] session {}: {}; stderr tail: {}", sessionId, status.message(), stderrTail());
    deliver(l -> l.onExit(status.code(), status.signal()));
  }

  private void stdoutClosedWithoutExit() {
    ChildProcess c = child;
    if (exited || destroyed || c == null || !c.isAlive()) {
      return;
    }
    LOG.warn("[app-server] session {} closed stdout but kept running; stopping it", sessionId);
    JsonRpcConnection conn = connection;
    if (conn != null) {
      conn.close(new JsonRpcException.Closed("app-server closed its stdout"));
    }
    c.terminate(KILL_GRACE);
  }

  private void reportError(Throwable error) {
    if (destroyed || !errorReported.compareAndSet(false, true)) {
      return;
    }
    deliver(l -> l.onError(error));
  }

  /** Calls the listener unless destroyed; false when it threw. */
  private boolean deliver(Consumer<BackendListener> call) {
    return destroyed || dispatcher.deliver(call);
  }

  private void answerError(JsonNode id, int code, String message) {
    try {
      respondError(id, code, message);
    } catch (RuntimeException e) {
      LOG.warn("[app-server] could not answer server request {}: {}", id, e.getMessage());
    }
  }

  private JsonRpcConnection writer() {
    if (destroyed) {
      throw clientDestroyed();
    }
    JsonRpcConnection c = connection;
    if (c == null) {
      throw notRunning();
    }
    return c;
  }

  private void closeStdinQuietly() {
    ChildProcess c = child;
    OutputStream in = c == null ? null : c.stdin();
    if (in == null) {
      return;
    }
    try {
      in.close();
    } catch (IOException e) {
      // Broken pipe: the child is gone anyway.
    }
  }

  private static JsonRpcException.Closed clientDestroyed() {
    return new JsonRpcException.Closed("Client destroyed");
  }

  private static JsonRpcException.Closed notRunning() {
    return new JsonRpcException.Closed("app-server is not running (stdin not writable)");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").startsWith("Windows");
  }
}
