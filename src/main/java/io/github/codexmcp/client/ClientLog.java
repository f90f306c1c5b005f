package io.github.codexmcp.client;

/**
 * The MCP client's log: each call becomes a {@code notifications/message} when the client's level
 * ({@code logging/setLevel}, default {@code info}) lets it through.
 *
 * <p>Implementations never block and never throw: any thread may call, also while holding a lock
 * (the message is handed to a sender thread, not written on the caller's).
 */
public interface ClientLog {
  /**
   * Logs {@code message} at {@code level} under {@code logger} (a short name such as {@code
   * codex-mcp/compat}).
   */
  void log(LogLevel level, String logger, String message);

  /** Logs a warning. */
  default void warning(String logger, String message) {
    log(LogLevel.WARNING, logger, message);
  }

  /** A log that drops everything. */
  ClientLog NONE = (level, logger, message) -> {};
}
