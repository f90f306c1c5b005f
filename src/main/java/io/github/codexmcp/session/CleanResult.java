package io.github.codexmcp.session;

import java.util.List;

/**
 * {@code codex_session clean}: what matched, what was removed from memory and from disk, and what
 * became of the removed sessions' worktrees ({@code null} when none was looked at).
 */
public record CleanResult(
    List<String> matchedSessionIds,
    List<String> removedSessionIds,
    int diskSessionsRemoved,
    boolean dryRun,
    List<String> worktreesRemoved,
    List<String> worktreesKept) {
  public CleanResult {
    matchedSessionIds = List.copyOf(matchedSessionIds);
    removedSessionIds = List.copyOf(removedSessionIds);
    worktreesRemoved = worktreesRemoved == null ? null : List.copyOf(worktreesRemoved);
    worktreesKept = worktreesKept == null ? null : List.copyOf(worktreesKept);
  }

  /** A clean that touched no worktree. */
  public CleanResult(
      List<String> matchedSessionIds,
      List<String> removedSessionIds,
      int diskSessionsRemoved,
      boolean dryRun) {
    this(matchedSessionIds, removedSessionIds, diskSessionsRemoved, dryRun, null, null);
  }
}
