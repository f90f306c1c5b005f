package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.jsonrpc.JsonLineReader;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.StderrTail;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p><b>Turns.</b> The first turn runs {@code exec}, later turns {@code exec resume <realThreadId>}
 * ({@link ExecCommandLine}). A later turn without a known real thread id runs a fresh {@code exec}
 * and first reports an {@code error} with {@code willRetry:true} ("multi-turn context
 * unavailable"), which the session shows as reconnect progress. Settings: model, approval policy,
 * sandbox and cwd start from {@code threadStart} params (falling back to the launch options), and a
 * turn's {@code model}, {@code approvalPolicy}, {@code cwd} and {@code sandboxPolicy} override them
 * for this and later turns, as the app-server does; on codex 0.169 sandbox and cwd work for resume
 * turns too (flags before {@code resume}), so {@link #supportsTurnOverrides()} is always true.
 * {@code outputSchema} applies to its turn only (a temp file, deleted when the turn's process ends,
 * or on destroy). Config is the launch {@code config} overlaid with the thread's (later keys win).
 * {@code effort}, {@code summary}, {@code personality}, {@code baseInstructions}, {@code
 * developerInstructions} and {@code ephemeral} are not passed to the CLI. The child's stdin is the
 * null device (exec otherwise waits for stdin EOF).
 *
 * <p>If the previous turn's child is still alive when a turn starts (it reported its end and is
 * still writing its session files), it gets {@value #PREVIOUS_EXIT_WAIT_SECONDS} s to exit before
 * it is stopped; a child whose turn has not ended is stopped at once. The new child is spawned only
 * after the old one is gone, on the thread that saw it go.
 *
 * <p><b>Exit.</b> When a child exits without a terminal event, the turn's end is synthesized
 * ({@link ExecEventTranslator#exit}): exit 0 → completed; another code → {@code error}, then failed
 * with {@code exec process exited with code <c>} (plus the last stderr lines as {@code
 * additionalDetails}); killed by a signal or by {@link #turnInterrupt} → failed with {@code exec
 * process killed by signal SIGTERM}. This is bound to the child instance: nothing from a child
 * whose turn was superseded by a newer {@code turnStart} reaches the listener. The session's {@link
 * BackendListener#onExit} and {@link BackendListener#onError} are never called: a turn's process
 * ending is normal, and a spawn failure fails {@link #turnStart}'s future.
 *
 * <p><b>Stop.</b> {@link #turnInterrupt} and {@link #destroy} stop the child with {@link
 * ChildProcess#terminate} (the whole tree, including commands codex runs in their own sessions;
 * forcible kill after 5 s). {@link #destroy} is idempotent, stops every child still alive, drops
 * the listener, fails later calls with {@code Client destroyed}, and completes when the children
 * exited or were killed.
 *
 * <p><b>Threads.</b> Per live child: {@code exec-<sessionId>-out} reads stdout and delivers the
 * notifications, {@code exec-<sessionId>-err} drains stderr (logged as {@code [exec-client stderr]
 * }). Synthesized ends come from the process-exit or timer thread. Listener calls are serialized
 * under the backend's lock, in arrival order, and must not block. Malformed JSONL lines are logged
 * ({@code [exec-client] Failed to parse JSONL: <first 200 chars>}) and skipped; unmapped event
 * types are logged once per backend.
 */
public final class ExecBackend implements CodexBackend {
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);
  static final long PREVIOUS_EXIT_WAIT_SECONDS = 10;

  /** How long a finished turn's child may take to exit before the next turn stops it. */
  static final Duration PREVIOUS_EXIT_WAIT = Duration.ofSeconds(PREVIOUS_EXIT_WAIT_SECONDS);

  /** How long an exit waits for the rest of stdout/stderr before the end is synthesized anyway. */
  static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  static final String USER_AGENT = "codex-exec";

  private static final Logger LOG = LoggerFactory.getLogger(ExecBackend.class);
  private static final int STDERR_TAIL_LINES = 50;
  private static final int STDERR_DETAIL_LINES = 5;
  private static final int STDERR_DETAIL_CHARS = 2000;
  private static final int PARSE_ERROR_SNIPPET = 200;
  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  private final String sessionId;
  private final LaunchOptions launch;
  private final List<String> commandPrefix;
  private final Map<String, String> env;
  private final Supplier<List<String>> profile;
  private final ProcessLauncher launcher;
  private final Timer timer;
  private final Path tempDir;
  private final Object lock = new Object();

  // Guarded by lock.
  private final Set<String> loggedUnmapped = new HashSet<>();
  private final List<Run> live = new ArrayList<>();
  private List<String> profileOverrides;
  private String threadId;
  private volatile String realThreadId;
  private String model;
  private String approvalPolicy;
  private String sandbox;
  private Path cwd;
  private ObjectNode config;
  private int turnCount;

  /** Written under the lock; volatile so {@link #childPid()} can read it without the lock. */
  private volatile Run current;

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
    this.launch = launch != null ? launch : new LaunchOptions(null, null, null, null, null, null);
    this.commandPrefix = List.copyOf(commandPrefix);
    this.env = env == null ? Map.of() : Map.copyOf(env);
    this.profile = profile;
    this.launcher = launcher;
    this.timer = timer;
    this.tempDir = tempDir;
    this.model = this.launch.model();
    this.approvalPolicy = this.launch.approvalPolicy();
    this.sandbox = this.launch.sandbox();
    this.cwd = this.launch.cwd();
    this.config = this.launch.config();
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
    try {
      synchronized (lock) {
        if (profileOverrides == null) {
          List<String> p = profile == null ? null : profile.get();
          profileOverrides = p == null ? List.of() : List.copyOf(p);
        }
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
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
      model = firstNonNull(Json.text(p, "model"), launch.model());
      approvalPolicy = firstNonNull(Json.text(p, "approvalPolicy"), launch.approvalPolicy());
      sandbox = firstNonNull(Json.text(p, "sandbox"), launch.sandbox());
      Path threadCwd = path(Json.text(p, "cwd"));
      cwd = threadCwd != null ? threadCwd : launch.cwd();
      config = mergeConfig(launch.config(), p.get("config"));
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
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "threadFork is not supported in exec mode"));
  }

  @Override
  public CompletableFuture<JsonNode> threadResume(ObjectNode params) {
    return CompletableFuture.failedFuture(
        CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "threadResume is not supported in exec mode"));
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
    String prompt = prompt(p.get("input"));
    List<String> images = images(p.get("input"));
    Path schemaDir = writeOutputSchema(p.get("outputSchema"));
    Run run;
    Run previous;
    ProcessSpec spec;
    synchronized (lock) {
      if (destroyed) {
        deleteQuietly(schemaDir);
        return CompletableFuture.failedFuture(clientDestroyed());
      }
      applyTurnOverrides(p);
      turnCount++;
      if (threadId == null) {
        threadId = "exec_thread_" + shortId();
      }
      boolean contextLost = turnCount > 1 && realThreadId == null;
      String turnId = "exec_turn_" + shortId();
      run = new Run(turnId, new ExecEventTranslator(threadId, turnId, this::unmapped), schemaDir);
      previous = current;
      current = run;
      ExecCommandLine.Turn turn =
          new ExecCommandLine.Turn(
              turnCount > 1 ? realThreadId : null,
              prompt,
              images,
              model,
              sandbox,
              cwd,
              profileOverrides,
              approvalPolicy,
              config,
              schemaDir == null ? null : schemaDir.resolve(OUTPUT_SCHEMA_FILE));
      List<String> argv = new ArrayList<>(commandPrefix);
      argv.addAll(ExecCommandLine.arguments(turn));
      spec = new ProcessSpec(argv, cwd, env, true);
      if (contextLost) {
        LOG.warn(
            "[exec-client] No realThreadId available for resume; falling back to fresh exec"
                + " (context will be lost)");
        deliver(List.of(run.translator.contextUnavailable()));
      }
    }
    return retire(previous).thenCompose(v -> spawn(run, spec));
  }

  @Override
  public CompletableFuture<JsonNode> turnInterrupt(ObjectNode params) {
    if (destroyed) {
      return CompletableFuture.failedFuture(clientDestroyed());
    }
    ChildProcess child;
    synchronized (lock) {
      Run run = current;
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
  public void respond(JsonNode id, JsonNode result) {
    // Exec mode never sends server requests.
  }

  @Override
  public void respondError(JsonNode id, int code, String message) {
    // Exec mode never sends server requests.
  }

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
    Run run = current;
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
    List<Run> runs;
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
    for (Run r : runs) {
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
              runs.forEach(r -> deleteQuietly(r.schemaDir));
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
      Run run = current;
      return run == null ? CompletableFuture.completedFuture(null) : run.ended.copy();
    }
  }

  /** The CLI's thread id once a turn reported it, else null. */
  public String realThreadId() {
    return realThreadId;
  }

  // ---------------------------------------------------------------- turn plumbing

  static final String OUTPUT_SCHEMA_FILE = "output-schema.json";

  /**
   * One turn's child and its translation state. Fields are written under the backend's lock; {@code
   * child} and {@code finished} are also read without it ({@link #childPid()}).
   */
  private static final class Run {
    final String turnId;
    final ExecEventTranslator translator;
    final Path schemaDir;
    volatile ChildProcess child;
    StderrTail stderr;
    boolean interrupted;
    volatile boolean finished;
    final CompletableFuture<Void> stdoutDone = new CompletableFuture<>();

    /** Completes when the turn's process has ended and its end was handled. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Run(String turnId, ExecEventTranslator translator, Path schemaDir) {
      this.turnId = turnId;
      this.translator = translator;
      this.schemaDir = schemaDir;
    }
  }

  /** Lets the previous turn's child finish (or stops it); completes when it is gone. */
  private CompletableFuture<Void> retire(Run previous) {
    if (previous == null) {
      return CompletableFuture.completedFuture(null);
    }
    ChildProcess c;
    boolean ended;
    synchronized (lock) {
      c = previous.child;
      ended = previous.translator.completed() && !previous.interrupted;
    }
    if (c == null || !c.isAlive()) {
      return CompletableFuture.completedFuture(null);
    }
    if (!ended) {
      LOG.info("[exec-client] session {}: stopping the previous turn's process", sessionId);
      return c.terminate(KILL_GRACE).handle((v, t) -> null);
    }
    CompletableFuture<Void> gone = new CompletableFuture<>();
    Timer.Cancellable deadline =
        timer.schedule(
            PREVIOUS_EXIT_WAIT,
            () -> {
              LOG.warn(
                  "[exec-client] session {}: previous turn's process did not exit; stopping it",
                  sessionId);
              c.terminate(KILL_GRACE).whenComplete((v, t) -> gone.complete(null));
            });
    c.onExit()
        .whenComplete(
            (code, t) -> {
              deadline.cancel();
              gone.complete(null);
            });
    return gone;
  }

  private CompletableFuture<JsonNode> spawn(Run run, ProcessSpec spec) {
    if (LOG.isDebugEnabled()) {
      List<String> shown = new ArrayList<>(spec.command().subList(0, spec.command().size() - 1));
      shown.add("<prompt>");
      LOG.debug(
          "[exec-client] session {}: {}", sessionId, Redactor.redactPaths(String.join(" ", shown)));
    }
    ChildProcess child;
    try {
      synchronized (lock) {
        if (destroyed) {
          run.finished = true;
          run.ended.complete(null);
          deleteQuietly(run.schemaDir);
          return CompletableFuture.failedFuture(clientDestroyed());
        }
      }
      child = launcher.start(spec);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "[exec-client] failed to spawn codex exec for session {}: {}", sessionId, e.getMessage());
      synchronized (lock) {
        run.finished = true;
      }
      run.ended.complete(null);
      deleteQuietly(run.schemaDir);
      return CompletableFuture.failedFuture(e);
    }
    boolean interrupt;
    synchronized (lock) {
      run.child = child;
      if (destroyed || current != run) {
        run.finished = true;
        run.ended.complete(null);
        child.terminate(KILL_GRACE);
        deleteQuietly(run.schemaDir);
        return CompletableFuture.failedFuture(
            destroyed
                ? clientDestroyed()
                : new JsonRpcException.Closed("Turn superseded by a newer turn"));
      }
      live.add(run);
      interrupt = run.interrupted;
    }
    attach(run, child);
    BackendListener l = listener;
    if (l != null) {
      l.onChildStarted(child.pid());
    }
    if (interrupt) {
      child.terminate(KILL_GRACE);
    }
    ObjectNode result = Json.object();
    result.putObject("turn").put("id", run.turnId).put("status", "inProgress");
    return CompletableFuture.completedFuture(result);
  }

  private void attach(Run run, ChildProcess child) {
    closeQuietly(child.stdin());
    StderrTail tail =
        StderrTail.start(
            child.stderr(),
            "exec-" + sessionId + "-err",
            STDERR_TAIL_LINES,
            line -> LOG.info("[exec-client stderr] {}", line));
    synchronized (lock) {
      run.stderr = tail;
    }
    Threads.startDaemon("exec-" + sessionId + "-out", () -> read(run, child.stdout()));
    child.onExit().whenComplete((code, t) -> onChildExit(run, tail, code == null ? -1 : code));
  }

  private void read(Run run, InputStream stdout) {
    try {
      new JsonLineReader(stdout)
          .readAll(
              new JsonLineReader.Sink() {
                @Override
                public void onJson(JsonNode value) {
                  if (value.isObject()) {
                    onEvent(run, value);
                  } else {
                    synchronized (lock) {
                      unmapped(
                          "<"
                              + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                              + ">");
                    }
                  }
                }

                @Override
                public void onMalformed(String line, Exception cause) {
                  String snippet =
                      line.length() > PARSE_ERROR_SNIPPET
                          ? line.substring(0, PARSE_ERROR_SNIPPET)
                          : line;
                  LOG.warn("[exec-client] Failed to parse JSONL: {}", snippet);
                }

                @Override
                public void onOversized(long length) {
                  LOG.warn("[exec-client] Dropped an oversized JSONL line ({} chars)", length);
                }
              });
    } catch (IOException e) {
      // The child went away or the stream was closed: the exit handler takes over.
    } finally {
      closeQuietly(stdout);
      run.stdoutDone.complete(null);
    }
  }

  private void onEvent(Run run, JsonNode event) {
    synchronized (lock) {
      if (destroyed || current != run) {
        return;
      }
      List<ExecEventTranslator.Notification> out = run.translator.translate(event);
      String real = run.translator.realThreadId();
      if (real != null) {
        realThreadId = real;
        threadId = real;
      }
      deliver(out);
    }
  }

  private void onChildExit(Run run, StderrTail tail, int rawCode) {
    // Synthesize only after stdout (and stderr) are drained, so events written just before the
    // exit still count; a descendant holding the pipes open must not delay it forever.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Timer.Cancellable fallback = timer.schedule(DRAIN_AFTER_EXIT, () -> drained.complete(null));
    CompletableFuture.allOf(run.stdoutDone, tail.closed())
        .whenComplete(
            (v, t) -> {
              fallback.cancel();
              drained.complete(null);
            });
    drained.thenRun(() -> finishRun(run, tail, rawCode));
  }

  private void finishRun(Run run, StderrTail tail, int rawCode) {
    try {
      endRun(run, tail, rawCode);
    } finally {
      run.ended.complete(null);
    }
  }

  private void endRun(Run run, StderrTail tail, int rawCode) {
    synchronized (lock) {
      live.remove(run);
      if (run.finished) {
        return;
      }
      run.finished = true;
      if (!destroyed && current == run) {
        Integer code = rawCode;
        String signal = null;
        if (rawCode > 128 && rawCode - 128 < SIGNALS.length && !isWindows()) {
          signal = SIGNALS[rawCode - 128];
          code = null;
        }
        if (!run.translator.completed()) {
          LOG.info(
              "[exec-client] session {}: codex exec ended without a terminal event (code: {},"
                  + " signal: {}, interrupted: {})",
              sessionId,
              code,
              signal,
              run.interrupted);
        }
        deliver(run.translator.exit(code, signal, run.interrupted, stderrDetails(tail)));
      }
    }
    deleteQuietly(run.schemaDir);
  }

  /** Calls the listener for each notification; caller holds the lock. */
  private void deliver(List<ExecEventTranslator.Notification> notifications) {
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

  /** Caller holds the lock. */
  private void unmapped(String type) {
    if (loggedUnmapped.add(type)) {
      LOG.info("[exec-client] Unmapped exec event type: {}", type);
    }
  }

  /** Caller holds the lock. */
  private void applyTurnOverrides(ObjectNode p) {
    String m = Json.text(p, "model");
    if (m != null) {
      model = m;
    }
    String policy = Json.text(p, "approvalPolicy");
    if (policy != null) {
      approvalPolicy = policy;
    }
    Path c = path(Json.text(p, "cwd"));
    if (c != null) {
      cwd = c;
    }
    JsonNode sandboxPolicy = p.get("sandboxPolicy");
    String s = Json.text(p, "sandbox");
    if (sandboxPolicy != null && sandboxPolicy.isObject()) {
      String type = Json.text(sandboxPolicy, "type");
      String mapped = ExecCommandLine.sandboxForPolicy(type);
      if (mapped != null) {
        sandbox = mapped;
      } else {
        LOG.warn("[exec-client] sandboxPolicy {} cannot be expressed by codex exec; ignored", type);
      }
    } else if (s != null) {
      sandbox = s;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** All {@code text} inputs joined with a newline. */
  static String prompt(JsonNode input) {
    List<String> parts = new ArrayList<>();
    if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if ("text".equals(Json.text(item, "type")) && Json.text(item, "text") != null) {
          parts.add(Json.text(item, "text"));
        }
      }
    }
    return String.join("\n", parts);
  }

  /** Paths of all {@code localImage} inputs. */
  static List<String> images(JsonNode input) {
    List<String> out = new ArrayList<>();
    if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if ("localImage".equals(Json.text(item, "type"))
            && Json.nonEmptyText(item, "path") != null) {
          out.add(Json.text(item, "path"));
        }
      }
    }
    return out;
  }

  /**
   * Writes a non-empty schema object as compact JSON to {@code
   * <tmp>/codex-mcp-schema-XXXX/output-schema.json}; null when there is none or writing failed
   * (logged; the turn then runs without {@code --output-schema}).
   */
  private Path writeOutputSchema(JsonNode schema) {
    if (schema == null || !schema.isObject() || schema.isEmpty()) {
      return null;
    }
    Path dir = null;
    try {
      dir =
          tempDir == null
              ? Files.createTempDirectory("codex-mcp-schema-")
              : Files.createTempDirectory(tempDir, "codex-mcp-schema-");
      Files.writeString(
          dir.resolve(OUTPUT_SCHEMA_FILE), Json.write(schema), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "[exec-client] could not write the output schema; running without --output-schema: {}",
          Redactor.redactPaths(String.valueOf(e.getMessage())));
      deleteQuietly(dir);
      return null;
    }
  }

  private static String stderrDetails(StderrTail tail) {
    if (tail == null) {
      return null;
    }
    List<String> lines = tail.lines();
    List<String> last =
        lines.subList(Math.max(0, lines.size() - STDERR_DETAIL_LINES), lines.size());
    String text = Redactor.redactPaths(String.join("\n", last)).trim();
    if (text.length() > STDERR_DETAIL_CHARS) {
      text = text.substring(text.length() - STDERR_DETAIL_CHARS);
    }
    return text.isEmpty() ? null : text;
  }

  private static ObjectNode mergeConfig(ObjectNode base, JsonNode overlay) {
    if (overlay == null || !overlay.isObject() || overlay.isEmpty()) {
      return base;
    }
    ObjectNode merged = base == null ? Json.object() : base.deepCopy();
    merged.setAll((ObjectNode) overlay);
    return merged;
  }

  private static Path path(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve(OUTPUT_SCHEMA_FILE));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("[exec-client] could not delete {}: {}", dir, e.getMessage());
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // Already closed or broken: nothing to do.
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 12);
  }

  private static JsonRpcException.Closed clientDestroyed() {
    return new JsonRpcException.Closed("Client destroyed");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").startsWith("Windows");
  }
}
