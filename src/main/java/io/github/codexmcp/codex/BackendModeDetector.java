package io.github.codexmcp.codex;

import io.github.codexmcp.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides between app-server and exec mode. {@code CODEX_MCP_MODE=app-server|exec} forces it;
 * otherwise {@code <codex> app-server --help} is probed and judged by its text, because a Codex
 * without app-server prints its main help and exits 0.
 */
public final class BackendModeDetector {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private final CommandRunner runner;

  public BackendModeDetector(CommandRunner runner) {
    this.runner = runner;
  }

  /** The forced mode from the environment, or null. Case-sensitive by contract. */
  public static BackendMode forced(Map<String, String> env) {
    String v = env.get("CODEX_MCP_MODE");
    if ("app-server".equals(v)) {
      return BackendMode.APP_SERVER;
    }
    if ("exec".equals(v)) {
      return BackendMode.EXEC;
    }
    return null;
  }

  /** Detects the mode for {@code invocation} (the argv prefix that runs codex). */
  public BackendMode detect(Map<String, String> env, List<String> invocation) {
    BackendMode f = forced(env);
    if (f != null) {
      return f;
    }
    List<String> argv = new ArrayList<>(invocation);
    argv.add("app-server");
    argv.add("--help");
    return judge(runner.run(argv, Map.of(), PROBE_TIMEOUT));
  }

  /** Interprets a probe result. */
  static BackendMode judge(CommandRunner.Result r) {
    if (r.spawnError() != null || r.timedOut() || r.exitCode() == null) {
      return BackendMode.EXEC;
    }
    String text = r.combined().toLowerCase(Locale.ROOT);
    if (r.exitCode() == 0) {
      // A binary without the subcommand prints its top-level help with exit 0.
      return mentionsAppServerUsage(text) ? BackendMode.APP_SERVER : BackendMode.EXEC;
    }
    if (text.contains("unknown")
        || text.contains("unrecognized")
        || text.contains("not found")
        || text.contains("no such subcommand")) {
      return BackendMode.EXEC;
    }
    return text.contains("app-server") ? BackendMode.APP_SERVER : BackendMode.EXEC;
  }

  private static boolean mentionsAppServerUsage(String lowerText) {
    for (String line : lowerText.split("\n")) {
      String l = line.trim();
      if (l.startsWith("usage:") && l.contains("app-server")) {
        return true;
      }
    }
    return false;
  }
}
