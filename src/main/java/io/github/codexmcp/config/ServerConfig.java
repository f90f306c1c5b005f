package io.github.codexmcp.config;

import java.nio.file.Path;
import java.util.Map;

/** Settings read once at startup from the environment. */
public record ServerConfig(
    Map<String, String> env,
    Path serverCwd,
    Path home,
    String platform,
    Path stateDir,
    boolean noiseFilterDisabled,
    boolean cleanupTimerEnabled) {

  public static final String VERSION = "2.1.7";

  public ServerConfig {
    env = Map.copyOf(env);
  }

  /** Reads the process environment. */
  public static ServerConfig fromEnvironment() {
    Map<String, String> env = System.getenv();
    Path cwd = Path.of("").toAbsolutePath();
    Path home = Path.of(System.getProperty("user.home"));
    return new ServerConfig(
        env,
        cwd,
        home,
        Platform.current(),
        stateDir(env, home),
        "1".equals(env.get("CODEX_MCP_DISABLE_NOISE_FILTER")),
        true);
  }

  /** {@code CODEX_MCP_STATE_DIR} trimmed, or {@code ~/.codex-mcp/state}. */
  public static Path stateDir(Map<String, String> env, Path home) {
    String v = env.get("CODEX_MCP_STATE_DIR");
    if (v != null && !v.trim().isEmpty()) {
      return Path.of(v.trim()).toAbsolutePath();
    }
    return home.resolve(".codex-mcp").resolve("state");
  }
}
