package io.github.codexmcp.detached;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what keeps a state directory's detached app-servers once the server is gone: the keeper
 * sentinel, a POSIX {@code sh} in a session of its own ({@code setsid}) that blocks reading a pipe
 * from the server and, when the server dies in any way (end of file on that pipe), {@code exec}s
 * the keeper JVM ({@link KeeperMain}) if a {@link DetachedRecord} is left, or else exits. While it
 * waits it runs builtins only (no polling, no forks): under 2 MiB resident instead of a keeper
 * JVM's 50. Its stdout and stderr, and so the keeper's, go to {@code keeper.log}; the keeper's
 * stdin is the null device.
 *
 * <p>The keeper JVM gets this server's own java command and class path, with a small heap and code
 * cache. Stateless; {@link #startSentinel} blocks for the fork/exec only.
 */
public final class KeeperLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperLauncher.class);

  /**
   * The sentinel: waits for end of file on stdin, then execs {@code $2...} (the keeper's command
   * line) when a record is left in {@code $1} (the runtime directory). Builtins only.
   */
  static final String SENTINEL_SCRIPT =
      "while read -r _; do :; done\n"
          + "for f in \"$1\"/sess_*.json; do\n"
          + "  if [ -e \"$f\" ]; then shift; exec \"$@\" </dev/null; fi\n"
          + "done\n";

  /** The sentinel's {@code $0}: how it shows in the process table. */
  static final String SENTINEL_NAME = "codex-mcp-keeper-sentinel";

  private KeeperLauncher() {}

  /**
   * Starts a sentinel for {@code paths}: this process is its server (the pipe's writing end stays
   * open in the answer until this process exits). Empty when it could not be started.
   */
  public static Optional<ServerKeeper.Sentinel> startSentinel(DetachedPaths paths, Duration ttl) {
    return keeperCommand(paths, ttl).flatMap(keeper -> startSentinel(paths, keeper));
  }

  /**
   * Starts a sentinel for {@code paths} that execs {@code then} when this process is gone and a
   * record is left (tests give a harmless command). Empty when it could not be started.
   */
  static Optional<ServerKeeper.Sentinel> startSentinel(DetachedPaths paths, List<String> then) {
    List<String> argv = new ArrayList<>(sessionLeader());
    argv.addAll(List.of("/bin/sh", "-c", SENTINEL_SCRIPT, SENTINEL_NAME, paths.dir().toString()));
    argv.addAll(then);
    try {
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(paths.keeperLog().toFile()));
      pb.redirectErrorStream(true);
      Process p = pb.start();
      LOG.info("[detached] keeper sentinel started (pid {}) for {}", p.pid(), paths.dir());
      return Optional.of(new ProcessSentinel(p));
    } catch (IOException | RuntimeException e) {
      LOG.warn("[detached] cannot start the keeper sentinel: {}", e.toString());
      return Optional.empty();
    }
  }

  /** {@code setsid} when there is one: the sentinel and the keeper outlive the server's session. */
  private static List<String> sessionLeader() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path setsid = Path.of(dir, "setsid");
      if (Files.isExecutable(setsid)) {
        return List.of(setsid.toString());
      }
    }
    return List.of();
  }

  /** The keeper JVM's command line; empty without a java command or class path. */
  static Optional<List<String>> keeperCommand(DetachedPaths paths, Duration ttl) {
    String java = ProcessHandle.current().info().command().orElse(null);
    String cp = System.getProperty("java.class.path");
    if (java == null || cp == null || cp.isBlank()) {
      LOG.warn("[detached] cannot start the keeper: no java command or class path");
      return Optional.empty();
    }
    return Optional.of(
        List.of(
            java,
            // a small, mostly idle JVM: about 50 MiB resident instead of 58 (measured on Linux)
            "-Xmx16m",
            "-Xss256k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=8m",
            "-XX:MaxMetaspaceSize=32m",
            "-XX:-UsePerfData",
            // its output is keeper.log, read by people, never a client: its life cycle shows
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + keeperLogLevel(System.getenv()),
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "-cp",
            cp,
            KeeperMain.class.getName(),
            paths.dir().toString(),
            paths.stateDir().toString(),
            Long.toString(ttl.toMillis())));
  }

  /**
   * The keeper's log level: {@code CODEX_MCP_LOG_LEVEL} when set, else {@code info} (its output
   * goes to {@code keeper.log}, not to a client, so what it stops and when is written there).
   */
  static String keeperLogLevel(Map<String, String> env) {
    String raw = env.get("CODEX_MCP_LOG_LEVEL");
    return raw == null || raw.isBlank() ? "info" : raw.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a keeper, in a server or a process of its own, holds the lock of {@code paths}. Safe in
   * a process that may hold it itself (see {@link KeeperLock#heldByAnyone}).
   */
  public static boolean keeperRunning(DetachedPaths paths) {
    return KeeperLock.heldByAnyone(paths.keeperLock());
  }

  /**
   * A started sentinel. Holds its {@link Process}, and with it the writing end of the sentinel's
   * stdin, for as long as this object lives: nothing is ever written; the end of file comes when
   * this process exits, or with {@link #end}. Immutable.
   */
  private record ProcessSentinel(Process process) implements ServerKeeper.Sentinel {
    @Override
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public void end() {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // already closed: the sentinel saw its end of file
      }
    }
  }
}
