package io.github.codexmcp.session;

import io.github.codexmcp.client.ClientLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Codex's warnings ({@code warning}, {@code configWarning}, {@code deprecationNotice}, {@code
 * guardianWarning}) in the client's log, logger {@value #LOGGER}. Every session's app-server
 * reports its configuration warnings when it starts, so each distinct text is logged once per
 * server run (the session's events keep every occurrence). Thread-safe: a concurrent set of texts
 * seen.
 */
final class CodexWarnings {
  static final String LOGGER = "codex";
  private static final int MAX_REMEMBERED = 1_000;

  private final ClientLog log;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  CodexWarnings(ClientLog log) {
    this.log = log;
  }

  void report(String sessionId, String method, String text) {
    if (seen.size() > MAX_REMEMBERED) {
      seen.clear();
    }
    if (seen.add(method + "\n" + text)) {
      log.warning(LOGGER, sessionId + ": " + text + " (Codex " + method + ")");
    }
  }
}
