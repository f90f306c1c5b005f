package io.github.codexmcp.session;

import java.util.List;

/** {@code codex_session clean}: what matched, what was removed from memory and from disk. */
public record CleanResult(
    List<String> matchedSessionIds,
    List<String> removedSessionIds,
    int diskSessionsRemoved,
    boolean dryRun) {
  public CleanResult {
    matchedSessionIds = List.copyOf(matchedSessionIds);
    removedSessionIds = List.copyOf(removedSessionIds);
  }
}
