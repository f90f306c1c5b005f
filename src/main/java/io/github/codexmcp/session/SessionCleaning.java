package io.github.codexmcp.session;

import io.github.codexmcp.util.Clock;
import io.github.codexmcp.workspace.WorktreeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code codex_session clean}: which finished sessions match, their removal from the registry (and
 * disk), and the removal of their worktrees. A session another server drives is left alone (the
 * removal takes it over first). Runs on the tool call's thread; each session's lock is taken only
 * to read it, and git runs with no lock held. No state of its own.
 */
final class SessionCleaning {
  private final SessionRegistry registry;
  private final Clock clock;
  private final SessionWorkspace workspace;
  private final Eviction eviction;

  /** Removes one session unless another server drives it; whether it was removed. */
  interface Eviction {
    boolean evict(String id, boolean removeDisk, int[] diskRemoved);
  }

  SessionCleaning(
      SessionRegistry registry, Clock clock, SessionWorkspace workspace, Eviction eviction) {
    this.registry = registry;
    this.clock = clock;
    this.workspace = workspace;
    this.eviction = eviction;
  }

  /** Batch removal of finished sessions. */
  CleanResult clean(SessionRequests.Clean req) {
    List<String> statuses =
        req.statuses() == null ? List.of("idle", "error", "cancelled") : req.statuses();
    long nowMs = clock.millis();
    List<String> matched = new ArrayList<>();
    for (Session s : registry.ordered()) {
      synchronized (s) {
        if (s.status().isActive() || !statuses.contains(s.status().wireName())) {
          continue;
        }
        if (req.olderThanMs() != null
            && req.olderThanMs() > 0
            && nowMs - s.lastActiveMillis() < req.olderThanMs()) {
          continue;
        }
      }
      matched.add(s.id);
    }
    List<String> removed = new ArrayList<>();
    int disk = 0;
    List<WorktreeInfo> worktrees = new ArrayList<>();
    if (!req.dryRun()) {
      for (String id : matched) {
        WorktreeInfo w = worktreeOf(registry.find(id));
        int[] diskRemoved = {0};
        if (eviction.evict(id, req.includeDisk(), diskRemoved)) {
          removed.add(id);
          if (w != null) {
            worktrees.add(w);
          }
        }
        disk += diskRemoved[0];
      }
    }
    SessionWorkspace.CleanReport report = null;
    if (req.includeDisk() && !worktrees.isEmpty()) {
      // git runs here, on the tool call's work thread, with no lock held
      report = workspace.clean(worktrees);
    }
    return new CleanResult(
        matched,
        removed,
        disk,
        req.dryRun(),
        report == null ? null : report.removed(),
        report == null ? null : report.kept());
  }

  private static WorktreeInfo worktreeOf(Session s) {
    if (s == null) {
      return null;
    }
    synchronized (s) {
      return s.extras.worktree();
    }
  }
}
