package io.github.codexmcp.state;

import java.nio.file.Path;

/** Where the state directory lives: {@code CODEX_MCP_STATE_DIR} or {@code ~/.codex-mcp/state}. */
public final class StateDir {
  /** Name of the environment variable that overrides the state directory. */
  public static final String ENV = "CODEX_MCP_STATE_DIR";

  private StateDir() {}

  /**
   * Resolves the state directory: {@code envValue} trimmed, blank or null means the default {@code
   * <userHome>/.codex-mcp/state}. A relative value is resolved against the process working
   * directory.
   */
  public static Path resolve(String envValue, Path userHome) {
    String v = envValue == null ? "" : envValue.trim();
    if (v.isEmpty()) {
      return userHome.resolve(".codex-mcp").resolve("state").toAbsolutePath().normalize();
    }
    return Path.of(v).toAbsolutePath().normalize();
  }

  /** {@link #resolve} with the real environment and {@code user.home}. */
  public static Path fromEnvironment() {
    return resolve(System.getenv(ENV), Path.of(System.getProperty("user.home")));
  }
}
