package io.github.codexmcp.codex;

import java.util.concurrent.CompletableFuture;

/** Creates the backend for a new session (mode fixed at startup). */
public interface BackendFactory {
  CodexBackend create(String sessionId, LaunchOptions options);

  BackendMode mode();

  /**
   * Whether the Codex process of {@code sessionId} outlived the server that drove it and can be
   * attached to ({@link #create} then attaches instead of launching). False where Codex processes
   * never outlive their server.
   */
  default boolean survives(String sessionId) {
    return false;
  }

  /**
   * Stops the Codex process {@code sessionId} left running with no backend connected to it (a
   * detached app-server); completes once it is gone, at once when there is none. Never fails.
   */
  default CompletableFuture<Void> discard(String sessionId) {
    return CompletableFuture.completedFuture(null);
  }
}
