package io.github.codexmcp;

import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.BackendModeDetector;
import io.github.codexmcp.codex.CodexBinaryResolver;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.CodexVersionProbe;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.config.StdioGuard;
import io.github.codexmcp.process.SystemCommandRunner;
import io.github.codexmcp.resources.ResourceCatalog;
import io.github.codexmcp.server.CancellationRegistry;
import io.github.codexmcp.server.McpServerFactory;
import io.github.codexmcp.server.ShutdownCoordinator;
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
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: captures the real stdout for JSON-RPC before anything else runs, sends everything
 * else to stderr, wires the object graph by hand, and serves until shutdown.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    OutputStream rpcOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    System.setOut(System.err);
    try {
      run(rpcOut);
    } catch (Throwable t) {
      System.err.println("Fatal error: " + ErrorMessages.messageOf(t));
      System.err.flush();
      System.exit(1);
    }
  }

  static void run(OutputStream rpcOut) throws InterruptedException {
    ServerConfig config = ServerConfig.fromEnvironment();
    Logger log = LoggerFactory.getLogger("codex-mcp");

    StdioGuard.Preflight pre =
        StdioGuard.preflight(config.platform(), config.env(), isTerminal(0), isTerminal(1));
    pre.notes().forEach(n -> System.err.println("[stdio] " + n));
    if (pre.riskLevel().equals("elevated")) {
      System.err.println("[stdio] Elevated stdout contamination risk detected (mode=" + pre.mode() + ").");
      pre.riskReasons().forEach(r -> System.err.println("[stdio] Reason: " + r));
      pre.suggestions().forEach(s -> System.err.println("[stdio] Suggestion: " + s));
    }
    if (pre.shouldBlock()) {
      throw new IllegalStateException(StdioGuard.STRICT_FAILURE);
    }

    CodexBinaryResolver resolver = new CodexBinaryResolver(config.env(), config.serverCwd(), config.platform());
    ResolvedExecutable exe = resolver.resolve();
    System.err.println(CodexBinaryResolver.describe(exe));
    CodexInvocation invocation = new CodexInvocation(config.platform(), config.env(), resolver);
    List<String> codexArgv = invocation.build(exe, List.of()).argv();

    ExecutorService work =
        new ThreadPoolExecutor(
            4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Threads.daemonFactory("codex-mcp-work-%d"));
    ((ThreadPoolExecutor) work).allowCoreThreadTimeOut(true);
    ScheduledTimer timer = new ScheduledTimer();
    SystemCommandRunner runner = new SystemCommandRunner();

    // Mode detection spawns codex; it runs beside the MCP handshake instead of delaying it.
    CompletableFuture<BackendMode> mode =
        CompletableFuture.supplyAsync(() -> new BackendModeDetector(runner).detect(config.env(), codexArgv), work);
    mode.thenAccept(m -> System.err.println("[codex-mcp] client mode: " + m.wireName() + " (binary: " + exe.command() + ")"));

    Backends backends = new Backends(config, exe, invocation, mode, timer);
    Persistence persistence = Persistence.open(config, SystemClock.INSTANCE);
    SessionManager sessions =
        new SessionManager(backends, SystemClock.INSTANCE, timer, work, persistence.hook(), !config.noiseFilterDisabled());
    persistence.recoverInto(sessions, timer);
    SessionPolling polling = new SessionPolling(sessions);
    CancellationRegistry cancellations = new CancellationRegistry();
    ShutdownCoordinator shutdown = new ShutdownCoordinator(sessions, cancellations, timer, System::exit);
    shutdown.addFinalStep(persistence::close);

    Map<String, ToolHandler> tools = new LinkedHashMap<>();
    tools.put("codex", new CodexTool(sessions, polling, config.serverCwd()));
    tools.put("codex_reply", new CodexReplyTool(sessions, polling));
    tools.put("codex_setup", new CodexSetupTool(config, runner, work, persistence::disabledWarning));
    tools.put("codex_session", new CodexSessionTool(sessions));
    tools.put("codex_check", new CodexCheckTool(polling));

    ResourceCatalog resources =
        new ResourceCatalog(
            new ResourceCatalog.Runtime() {
              @Override
              public String clientMode() {
                return mode.join().wireName();
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

    shutdown.installSignalHook();
    McpServerFactory.build(
        new FileInputStream(FileDescriptor.in),
        rpcOut,
        tools,
        resources,
        work,
        cancellations,
        shutdown::onEndOfInput,
        ServerConfig.VERSION);
    sessions.startJanitor();
    log.info("codex-mcp server started (cwd: {})", config.serverCwd());
    Thread.currentThread().join();
  }

  /** Whether file descriptor {@code fd} is a terminal (Linux: by its /proc link; else by console). */
  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      if (Files.exists(Path.of("/proc/self/fd"))) {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      }
    } catch (Exception e) {
      return false;
    }
    return System.console() != null;
  }
}
