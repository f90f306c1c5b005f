package io.github.codexmcp.codex;

/** The two ways of running Codex. */
public enum BackendMode {
  APP_SERVER("app-server"),
  EXEC("exec");

  private final String wireName;

  BackendMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in {@code CODEX_MCP_MODE}, server-info and codex_setup. */
  public String wireName() {
    return wireName;
  }
}
