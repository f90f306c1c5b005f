package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CodexBackend} that runs one {@code codex exec --json} child per turn (spec 50), for Codex
 * builds without a usable app-server. The JSONL events are translated into app-server notifications
 * ({@link ExecEventTranslator}), so sessions behave as in app-server mode.
 *
 * <p><b>Operations.</b> {@link #start()} spawns nothing; it resolves the profile (a missing one
 * fails it with {@code INVALID_ARGUMENT}) and answers {@code {userAgent:"codex-exec"}}. {@link
 * #threadStart} remembers the thread settings and answers a synthetic id {@code exec_thread_<12
 * chars>}; the CLI's real id arrives with the first turn's {@code thread.started} and is reported
 * as {@code thread/started}, which replaces the session's thread id. {@link #turnStart} spawns the
 * turn's child and answers {@code {turn:{id:"exec_turn_<12 chars>"}}} once it runs. {@code
 * threadFork}/{@code threadResume} fail with {@code EXEC_NOT_SUPPORTED}; {@code
 * threadBackgroundTerminalsClean}, {@code respond} and {@code respondError} are no-ops (exec never
 * sends server requests; it runs with approval {@code never}).
 *
 * <p><b>Turns</b> map to CLI runs as the package documentation describes (settings: {@link
 * ExecSettings}; input: {@link ExecInput}; sandbox and cwd work for resume turns too, so {@link
 * #supportsTurnOverrides()} is always true); their processes are {@link ExecProcesses}'. {@link
 * BackendListener#onExit} and {@link BackendListener#onError} are never called: a turn's process
 * ending is normal, and a spawn failure fails {@link #turnStart}'s future.
 *
 * <p><b>Stop.</b> {@link #turnInterrupt} and {@link #destroy} stop the child with {@link
 * ChildProcess#terminate} (the whole tree, including commands codex runs in their own sessions;
 * forcible kill after 5 s). {@link #destroy} is idempotent, stops every child still alive, drops
 * the listener, fails later calls with {@code Client destroyed}, and completes when the children
 * exited or were killed.
 *
 * <p><b>Concurrency.</b> Operations may be called from any thread. {@link #lock} guards the thread
 * and turn state ({@link ExecSettings}, thread ids, the live runs, the turn count); {@code
 * current}, {@code realThreadId}, {@code listener} and {@code destroyed} are volatile for lock-free
 * reads ({@link #childPid()} is called under a session's lock). Listener calls are made under
 * {@link #lock}, in arrival order, from the stdout reader, process-exit or timer thread (see {@link
 * ExecProcesses}), and must not block. Reading the profile, spawning, stopping and file writes
 * happen outside the lock, except that a turn refused because the backend was destroyed between
 * writing its schema file and taking the lock deletes that file under it.
 */
public final class ExecBackend implements CodexBackend {
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);

  static final String USER_AGENT = "codex-exec";

  private static final Logger LOG = LoggerFactory.getLogger(ExecBackend.class);

  private final String sessionId;
  private final List<String> commandPrefix;
  private final Map<String, String> env;
  private final Supplier<List<String>> profile;
  private final Path tempDir;
  private final ExecProcesses processes;
  final Object lock = new Object();

  // Guarded by lock.
  final List<ExecRun> live = new ArrayList<>();
  private final ExecSettings settings;
  private List<String> profileOverrides;
  private String threadId;
  private volatile String realThreadId;
  private int turnCount;

  /** Written under the lock; volatile so {@link #childPid()} can read it without the lock. */
  private volatile ExecRun current;

  private CompletableFuture<Void> destroyFuture;

  private volatile BackendListener listener;
  private volatile boolean destroyed;

  /**
   * @param sessionId used in thread names and logs
   * @param launch the session's launch options (defaults for the thread settings)
   * @param commandPrefix the executable (argv before {@code exec})
   * @param env environment additions for each child
   * @param profile resolves the profile's {@code -c} settings; called once by {@link #start()}, may
   *     throw {@link CodexMcpException}
   * @param tempDir where output-schema directories are created; null for the system default
   */
  public ExecBackend(
      String sessionId,
      LaunchOptions launch,
      List<String> commandPrefix,
      Map<String, String> env,
      Supplier<List<String>> profile,
      ProcessLauncher launcher,
      Timer timer,
      Path tempDir) {
    this.sessionId = sessionId;
    this.settings =
        new ExecSettings(
            launch != null ? launch : new LaunchOptions(null, null, null, null, null, null));
    this.commandPrefix = List.copyOf(commandPrefix);
    this.env = env == null ? Map.of() : Map.copyOf(env);
    this.profile = profile;
    this.tempDir = tempDir;
    this.processes = new ExecProcesses(this, sessionId, launcher, timer);
  }

  @Override
  public void setListener(BackendListener listener) {
    this.listener = listener;
  }

  @Override
  public CompletableFuture<JsonNode> start() {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    boolean resolved;
    synchronized (lock) {
      resolved = profileOverrides != null;
    }
    if (!resolved) {
      List<String> overrides;
      try { // reads the profile's file: never under the lock
        List<String> p = profile == null ? null : profile.get();
        overrides = p == null ? List.of() : List.copyOf(p);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      synchronized (lock) {
        if (profileOverrides == null) {
          profileOverrides = overrides;
        }
      }
    }
    return CompletableFuture.completedFuture(Json.object().put("userAgent", USER_AGENT));
  }

  @Override
  public CompletableFuture<JsonNode> threadStart(ObjectNode params) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    ObjectNode p = params == null ? Json.object() : params;
    String id;
    synchronized (lock) {
      settings.applyThread(p);
      if (threadId == null) {
        threadId = "exec_thread_" + shortId();
      }
      id = threadId;
    }
    ObjectNode result = Json.object();
    result.putObject("thread").put("id", id);
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public CompletableFuture<JsonNode> threadFork(ObjectNode params) {
    return notSupported("threadFork");
  }

  @Override
  public CompletableFuture<JsonNode> threadResume(ObjectNode params) {
    return notSupported("threadResume");
  }

  private static CompletableFuture<JsonNode> notSupported(String what) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, what + " is not supported in exec mode"));
  }

  @Override
  public CompletableFuture<JsonNode> threadBackgroundTerminalsClean(ObjectNode params) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    return CompletableFuture.completedFuture(Json.object());
  }

  @Override
  public CompletableFuture<JsonNode> turnStart(ObjectNode params) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    ObjectNode p = params == null ? Json.object() : params;
    String prompt = ExecInput.prompt(p.get("input"));
    List<String> images = ExecInput.images(p.get("input"));
    Path schemaDir = ExecInput.writeOutputSchema(p.get("outputSchema"), tempDir);
    ExecRun run;
    ExecRun previous;
    ProcessSpec spec;
    synchronized (lock) {
      if (destroyed) {
        ExecInput.deleteQuietly(schemaDir);
        return CompletableFuture.failedFuture(clientDestroyed());
      }
      settings.applyTurn(p);
      turnCount++;
      if (threadId == null) {
        threadId = "exec_thread_" + shortId();
      }
      boolean contextLost = turnCount > 1 && realThreadId == null;
      String turnId = "exec_turn_" + shortId();
      run =
          new ExecRun(
              turnId, new ExecEventTranslator(threadId, turnId, processes::unmapped), schemaDir);
      previous = current;
      current = run;
      ExecCommandLine.Turn turn =
          new ExecCommandLine.Turn(
              turnCount > 1 ? realThreadId : null,
              prompt,
              images,
              settings.model,
              settings.sandbox,
              settings.cwd,
              profileOverrides,
              settings.approvalPolicy,
              settings.config,
              schemaDir == null ? null : schemaDir.resolve(ExecInput.OUTPUT_SCHEMA_FILE));
      List<String> argv = new ArrayList<>(commandPrefix);
      argv.addAll(ExecCommandLine.arguments(turn));
      spec = new ProcessSpec(argv, settings.cwd, env, true);
      if (contextLost) {
        LOG.warn(
            "[exec-client] No realThreadId available for resume; falling back to fresh exec"
                + " (context will be lost)");
        deliver(List.of(run.translator.contextUnavailable()));
      }
    }
    return processes.retire(previous).thenCompose(v -> processes.spawn(run, spec));
  }

  @Override
  public CompletableFuture<JsonNode> turnInterrupt(ObjectNode params) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    ChildProcess child;
    synchronized (lock) {
      ExecRun run = current;
      if (run == null || run.finished || run.translator.completed()) {
        return CompletableFuture.completedFuture(Json.object());
      }
      run.interrupted = true;
      child = run.child;
    }
    if (child != null) {
      LOG.info("[exec-client] session {}: interrupting the turn (pid {})", sessionId, child.pid());
      child.terminate(KILL_GRACE);
    }
    return CompletableFuture.completedFuture(Json.object());
  }

  @Override
  public void respond(JsonNode id, JsonNode result) {} // exec never sends server requests

  @Override
  public void respondError(JsonNode id, int code, String message) {} // nor here

  /**
   * Always true: on codex 0.169 {@code -s} and {@code -C} placed before {@code resume} apply to
   * resumed turns (spec 90 §5.2), so cwd and sandbox overrides take effect on every turn.
   */
  @Override
  public boolean supportsTurnOverrides() {
    return true;
  }

  /** Lock-free, so it may be called while holding a session lock. */
  @Override
  public Long childPid() {
    ExecRun run = current;
    ChildProcess c = run == null ? null : run.child;
    return c != null && !run.finished && c.isAlive() ? c.pid() : null;
  }

  @Override
  public BackendMode mode() {
    return BackendMode.EXEC;
  }

  @Override
  public CompletableFuture<Void> destroy() {
    CompletableFuture<Void> done;
    List<ExecRun> runs;
    synchronized (lock) {
      if (destroyFuture != null) {
        return destroyFuture;
      }
      destroyed = true;
      listener = null;
      done = new CompletableFuture<>();
      destroyFuture = done;
      runs = new ArrayList<>(live);
      if (current != null && !runs.contains(current)) {
        runs.add(current);
      }
    }
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ExecRun r : runs) {
      ChildProcess c;
      synchronized (lock) {
        c = r.child;
      }
      if (c != null) {
        stops.add(c.terminate(KILL_GRACE).handle((v, t) -> null));
      }
    }
    CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (v, t) -> {
              runs.forEach(r -> ExecInput.deleteQuietly(r.schemaDir));
              done.complete(null);
            });
    return done;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /**
   * Completes when the process of the latest turn has ended and its end was handled (already
   * complete when there is none, or it could not be spawned). For tests and diagnostics.
   */
  CompletableFuture<Void> latestTurnEnded() {
    synchronized (lock) {
      ExecRun run = current;
      return run == null ? CompletableFuture.completedFuture(null) : run.ended.copy();
    }
  }

  /** The CLI's thread id once a turn reported it, else null. */
  public String realThreadId() {
    return realThreadId;
  }

  // ---------------------------------------------------------------- for ExecProcesses

  ExecRun current() {
    return current;
  }

  void childStarted(long pid) {
    BackendListener l = listener;
    if (l != null) {
      l.onChildStarted(pid);
    }
  }

  /** One JSONL event of {@code run}'s child: translated and delivered unless superseded. */
  void onEvent(ExecRun run, JsonNode event) {
    synchronized (lock) {
      if (destroyed || current != run) {
        return;
      }
      List<ExecEventTranslator.Notification> out = run.translator.translate(event);
      if (run.translator.realThreadId() != null) {
        realThreadId = threadId = run.translator.realThreadId();
      }
      deliver(out);
    }
  }

  /** Calls the listener for each notification; caller holds the lock. */
  void deliver(List<ExecEventTranslator.Notification> notifications) {
    for (ExecEventTranslator.Notification n : notifications) {
      BackendListener l = listener;
      if (destroyed || l == null) {
        return;
      }
      try {
        l.onNotification(n.method(), n.params());
      } catch (RuntimeException e) {
        LOG.warn("[exec-client] listener failed for session {} on {}", sessionId, n.method(), e);
      }
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 12);
  }

  static JsonRpcException.Closed clientDestroyed() {
    return new JsonRpcException.Closed("Client destroyed");
  }
}
