package io.github.codexmcp.bootstrap;

import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.BackendModeDetector;
import io.github.codexmcp.codex.CodexBinaryResolver;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.CodexVersionProbe;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AccountProbe;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.config.StdioGuard;
import io.github.codexmcp.process.SystemCommandRunner;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.resources.ResourceCatalog;
import io.github.codexmcp.server.CancellationRegistry;
import io.github.codexmcp.server.EarlyInitialize;
import io.github.codexmcp.server.McpClientLog;
import io.github.codexmcp.server.McpForms;
import io.github.codexmcp.server.McpServerFactory;
import io.github.codexmcp.server.ServerIdentity;
import io.github.codexmcp.server.ShutdownCoordinator;
import io.github.codexmcp.server.StartupTrace;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.session.SessionPolling;
import io.github.codexmcp.tools.CodexCheckTool;
import io.github.codexmcp.tools.CodexReplyTool;
import io.github.codexmcp.tools.CodexSessionTool;
import io.github.codexmcp.tools.CodexSetupTool;
import io.github.codexmcp.tools.CodexTool;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import io.github.codexmcp.util.Threads;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: captures the real stdout for JSON-RPC before anything else runs, sends everything
 * else to stderr, wires the object graph by hand, and serves until shutdown.
 *
 * <p><b>Threads.</b> The main thread wires the server, then parks until the JVM exits. This class
 * creates the two pools (four daemon threads each, idle ones let go): {@code codex-mcp-work-%d},
 * the sessions' inboxes, spawns and disk work, and {@code codex-mcp-call-%d}, MCP tool calls and
 * resource reads, which may wait there for room in the output; and the one timer. None of them is
 * shut down: they are daemon threads and end with the JVM. Start-up work runs on threads of its own
 * ({@code codex-mcp-warmup}, {@code codex-mcp-state-open}, {@code codex-mcp-recovery}, {@code
 * codex-mcp-mode-probe}); {@link ModeProbe} says who waits for the probe.
 */
public final class Main {
  /** How long start-up waits for the handshake to be answered before loading the rest. */
  static final long EARLY_ANSWER_WAIT_MS = 300;

  /** How long start-up then waits for the rest of the handshake (tools/list) to be answered. */
  static final long HANDSHAKE_GRACE_MS = 50;

  /** How long {@code codex_setup} waits for Codex to say which login it needs. */
  static final Duration ACCOUNT_PROBE_TIMEOUT = Duration.ofSeconds(10);

  private Main() {}

  public static void main(String[] args) {
    OutputStream rpcOut =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    Stderr.install();
    String levelWarning = Stderr.configureLevel(System.getenv(Stderr.LEVEL_VARIABLE));
    if (levelWarning != null) {
      System.err.println(levelWarning);
    }
    try {
      if (args.length > 0 && args[0].equals(CdsTraining.FLAG)) {
        CdsTraining.run();
        return;
      }
      run(ServerConfig.fromEnvironment(), new FileInputStream(FileDescriptor.in), rpcOut);
    } catch (Throwable t) {
      System.err.println("Fatal error: " + ErrorMessages.messageOf(t));
      System.err.flush();
      System.exit(1);
    }
  }

  /**
   * Serves MCP on {@code rpcIn}/{@code rpcOut} until shutdown; never returns normally.
   *
   * <p>Start-up is arranged so that {@code initialize} is answered as early as possible: a spare
   * thread warms up JSON binding while this one wires the server; the state store opens and
   * recovers sessions on a thread of its own (tool calls and resource reads wait for it, {@code
   * initialize} and the list requests do not); the backend-mode probe, which spawns codex, starts
   * only after the first answer has been written (or when something needs the mode earlier).
   */
  static void run(ServerConfig config, InputStream rpcIn, OutputStream rpcOut)
      throws InterruptedException {
    StartupTrace.mark("main");

    StdioGuard.Preflight pre =
        StdioGuard.preflight(config.platform(), config.env(), isTerminal(0), isTerminal(1));
    pre.notes().forEach(n -> System.err.println("[stdio] " + n));
    if (pre.riskLevel().equals("elevated")) {
      System.err.println(
          "[stdio] Elevated stdout contamination risk detected (mode=" + pre.mode() + ").");
      pre.riskReasons().forEach(r -> System.err.println("[stdio] Reason: " + r));
      pre.suggestions().forEach(s -> System.err.println("[stdio] Suggestion: " + s));
    }
    if (pre.shouldBlock()) {
      throw new IllegalStateException(StdioGuard.STRICT_FAILURE);
    }
    StartupTrace.mark("stdio guard done");

    CodexBinaryResolver resolver =
        new CodexBinaryResolver(config.env(), config.serverCwd(), config.platform());
    ResolvedExecutable exe = resolver.resolve();
    // The one line the server writes at start-up at the default level.
    String found = CodexBinaryResolver.describe(exe);
    System.err.println(
        "codex-mcp "
            + ServerConfig.VERSION
            + " — "
            + found.substring(found.indexOf(']') + 1).trim());
    CodexInvocation invocation = new CodexInvocation(config.platform(), config.env(), resolver);
    List<String> codexArgv = invocation.build(exe, List.of()).argv();
    // Nothing can refuse the start any more: answer the handshake (server/discover, initialize,
    // tools/list) while the rest is loaded.
    EarlyInitialize early =
        EarlyInitialize.start(rpcIn, rpcOut, ServerIdentity.NAME, ServerConfig.VERSION);
    StartupTrace.mark("early initialize reader");
    // Give the answers the CPU first (clients time out on the handshake; a machine may have two
    // cores): the SDK is loaded once initialize is answered and the client's next requests
    // (tools/list) had a moment to arrive, or after a short wait for a quiet client.
    awaitQuietly(early.initializeAnswered(), EARLY_ANSWER_WAIT_MS);
    awaitQuietly(early.result(), HANDSHAKE_GRACE_MS);
    StartupTrace.mark("early handshake answered or skipped");
    // The logging back end first, on this thread: a logger used by another thread while it is
    // being set up would have its messages replayed, with a notice on stderr.
    Logger log = LoggerFactory.getLogger("codex-mcp");
    StartupTrace.mark("logger");
    Threads.startDaemon("codex-mcp-warmup", McpServerFactory::warmUp);
    Persistence persistence = Persistence.openAsync(config, SystemClock.INSTANCE);

    ExecutorService work = pool("codex-mcp-work-%d");
    // MCP tool calls and resource reads run on a pool of their own: while the client does not
    // read, they wait there for room in the output, and the sessions (whose inboxes apply Codex's
    // reports on the work pool) keep going instead of queueing Codex's output in memory.
    ExecutorService calls = pool("codex-mcp-call-%d");
    ScheduledTimer timer = new ScheduledTimer();
    SystemCommandRunner runner = new SystemCommandRunner();

    ModeProbe mode =
        new ModeProbe(
            () -> new BackendModeDetector(runner).detect(config.env(), codexArgv),
            r -> Threads.startDaemon("codex-mcp-mode-probe", r));
    mode.result.thenAccept(
        m -> log.info("[codex-mcp] client mode: {} (binary: {})", m.wireName(), exe.command()));

    StartupTrace.mark("executors");
    Backends backends =
        new Backends(config, exe, invocation, mode::future, persistence.opened(), timer);
    // the client's log and forms: the server attaches them once built; used before that, they wait
    McpClientLog clientLog = new McpClientLog();
    McpForms forms = new McpForms();
    SessionManager sessions =
        new SessionManager(
            backends,
            SystemClock.INSTANCE,
            timer,
            work,
            persistence.hook(),
            !config.noiseFilterDisabled(),
            clientLog,
            forms,
            Workspaces.create(config, runner, work));
    SessionPolling polling = new SessionPolling(sessions);
    CancellationRegistry cancellations = new CancellationRegistry();
    ShutdownCoordinator shutdown =
        new ShutdownCoordinator(sessions, cancellations, timer, System::exit);
    shutdown.addFinalStep(persistence::close);
    // then the keeper in this server lets go; its sentinel starts a keeper process if needed
    shutdown.addFinalStep(backends::close);

    // Recovery of persisted sessions; tool calls and resource reads wait for it.
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Threads.startDaemon(
        "codex-mcp-recovery",
        () -> {
          try {
            persistence.recoverInto(sessions, backends, timer);
            StartupTrace.mark("recovered");
          } catch (RuntimeException e) {
            log.warn("[codex-mcp] session recovery failed: {}", ErrorMessages.messageOf(e));
          } finally {
            sessions.startJanitor();
            ready.complete(null);
          }
        });

    Map<String, ToolHandler> tools = new LinkedHashMap<>();
    tools.put("codex", new CodexTool(sessions, polling, config.serverCwd()));
    tools.put("codex_reply", new CodexReplyTool(sessions, polling));
    PersistenceStatus persistenceStatus = new PersistenceStatus(persistence.opened());
    persistenceStatus.reportTo(clientLog);
    SystemProcessLauncher launcher = new SystemProcessLauncher(timer);
    tools.put(
        "codex_setup",
        new CodexSetupTool(
            config,
            runner,
            calls, // the report waits for Codex for seconds: not on the sessions' pool
            persistenceStatus::setupState,
            (executable, cwd) ->
                new AccountProbe(executable, launcher, timer, config.env())
                    .read(cwd, ACCOUNT_PROBE_TIMEOUT)));
    tools.put("codex_session", new CodexSessionTool(sessions));
    tools.put("codex_check", new CodexCheckTool(polling));

    ResourceCatalog resources =
        new ResourceCatalog(
            new ResourceCatalog.Runtime() {
              @Override
              public String clientMode() {
                return mode.future().join().wireName();
              }

              @Override
              public String stdioMode() {
                return pre.mode();
              }

              @Override
              public int activeSessions() {
                return sessions.activeSessionCount();
              }

              @Override
              public String observedDefaultModel() {
                return sessions.observedDefaultModel();
              }

              @Override
              public boolean persistenceEnabled() {
                return persistence.enabled();
              }
            },
            new CodexVersionProbe(runner, codexArgv));

    StartupTrace.mark("tools and resources");
    shutdown.installSignalHook();
    McpServerFactory.Built server =
        McpServerFactory.build(
            rpcIn,
            rpcOut,
            tools,
            resources,
            calls,
            ready,
            cancellations,
            shutdown::onEndOfInput,
            ServerConfig.VERSION,
            early,
            clientLog,
            forms);
    // The probe spawns codex: keep it off the CPU until initialize has been answered.
    server.transport().afterFirstMessage(mode::start);
    // answers still queued for stdout get a moment to reach the client before the process exits
    shutdown.addFinalStep(() -> server.transport().drainOutput(Duration.ofSeconds(1)));
    StartupTrace.mark("server built");
    log.info("codex-mcp server started (cwd: {})", config.serverCwd());
    Thread.currentThread().join();
  }

  /** Waits up to {@code ms} for {@code f}; a timeout or failure is no error here. */
  private static void awaitQuietly(CompletableFuture<?> f, long ms) throws InterruptedException {
    try {
      f.get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // carry on: the early reader answers what comes, the transport takes the rest
    }
  }

  /**
   * The backend-mode probe: started once, after the first answer or when first needed. It runs on a
   * thread of its own, not on the work pool: readers of the runtime resource wait for it on work
   * threads, and a probe queued behind them on the same pool would never run. {@code started} makes
   * the start idempotent from any thread; {@code result} is completed once, by the probe.
   */
  static final class ModeProbe {
    final CompletableFuture<BackendMode> result = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final Supplier<BackendMode> detect;
    private final Executor executor;

    ModeProbe(Supplier<BackendMode> detect, Executor executor) {
      this.detect = detect;
      this.executor = executor;
    }

    void start() {
      if (started.compareAndSet(false, true)) {
        CompletableFuture.supplyAsync(detect, executor)
            .whenComplete(
                (m, t) -> {
                  if (t != null) {
                    result.completeExceptionally(t);
                  } else {
                    result.complete(m);
                  }
                });
      }
    }

    CompletableFuture<BackendMode> future() {
      start();
      return result;
    }
  }

  /**
   * Whether file descriptor {@code fd} is a terminal (Linux: by its /proc link; else by console).
   */
  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      if (Files.exists(Path.of("/proc/self/fd"))) {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/")
            || target.startsWith("/dev/tty")
            || target.equals("/dev/console");
      }
    } catch (Exception e) {
      return false;
    }
    return System.console() != null;
  }

  /** Four daemon threads named by {@code pattern}, let go after 30 s idle. */
  private static ExecutorService pool(String pattern) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            Threads.daemonFactory(pattern));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
