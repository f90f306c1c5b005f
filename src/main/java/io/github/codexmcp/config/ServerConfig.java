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
    Path home = homeDirectory(env);
    return new ServerConfig(
        env,
        cwd,
        home,
        Platform.current(),
        stateDir(env, home),
        "1".equals(env.get("CODEX_MCP_DISABLE_NOISE_FILTER")),
        true);
  }

  /**
   * The user's home: {@code HOME} (or {@code USERPROFILE}) as the MCP client passed it, like Codex
   * itself resolves it, else the JVM's {@code user.home}.
   */
  public static Path homeDirectory(Map<String, String> env) {
    for (String key : new String[] {"HOME", "USERPROFILE"}) {
      String v = env.get(key);
      if (v != null && !v.isBlank()) {
        return Path.of(v.trim());
      }
    }
    return Path.of(System.getProperty("user.home"));
  }

  /** Codex's configuration directory: {@code CODEX_HOME}, else {@code <home>/.codex}. */
  public Path codexHome() {
    String v = env.get("CODEX_HOME");
    return v != null && !v.isBlank() ? Path.of(v.trim()) : home.resolve(".codex");
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
