package io.github.codexmcp.codex;

/** Creates the backend for a new session (mode fixed at startup). */
public interface BackendFactory {
  CodexBackend create(String sessionId, LaunchOptions options);

  BackendMode mode();
}
