package io.github.codexmcp.session;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.workspace.FileChange;
import io.github.codexmcp.workspace.GitWorkspace;
import io.github.codexmcp.workspace.WorkTreeSnapshot;
import io.github.codexmcp.workspace.WorkspaceException;
import io.github.codexmcp.workspace.WorktreeInfo;
import io.github.codexmcp.workspace.Worktrees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions' use of git: a snapshot of the work tree before each turn, the git side of the
 * turn's change receipt after it, and a worktree per session. Every method that runs git blocks
 * (the asynchronous ones on the work executor); none is called under a session lock. A failing
 * snapshot or comparison only costs the receipt its git part (logged), never the turn. Stateless
 * apart from its collaborators; safe from any thread.
 */
public final class SessionWorkspace {
  private static final Logger LOG = LoggerFactory.getLogger(SessionWorkspace.class);

  /** No git at all: receipts come from Codex's reports alone and worktrees are refused. */
  public static final SessionWorkspace DISABLED =
      new SessionWorkspace(null, null, null, Runnable::run);

  /** What {@code clean} did with the removed sessions' worktrees. */
  record CleanReport(List<String> removed, List<String> kept) {}

  private final GitWorkspace git;
  private final Worktrees worktrees;
  private final Path worktreeRoot;
  private final Executor work;

  /**
   * @param worktreeRoot where session worktrees are made ({@code <root>/<sessionId>})
   * @param work where snapshots run
   */
  public SessionWorkspace(GitWorkspace git, Worktrees worktrees, Path worktreeRoot, Executor work) {
    this.git = git;
    this.worktrees = worktrees;
    this.worktreeRoot = worktreeRoot;
    this.work = work;
  }

  /** The work tree's state before a turn, taken on the work executor; null outside git. */
  CompletableFuture<WorkTreeSnapshot> snapshot(Path cwd) {
    if (git == null || cwd == null) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return git.snapshot(cwd).orElse(null);
          } catch (WorkspaceException e) {
            LOG.warn("[codex-mcp] No work-tree snapshot of {}: {}", cwd, e.getMessage());
            return null;
          }
        },
        work);
  }

  /** What git sees changed since {@code before}; null when unknown. Blocks while git runs. */
  List<FileChange> changesSince(WorkTreeSnapshot before) {
    if (git == null || before == null) {
      return null;
    }
    try {
      return git.changesSince(before);
    } catch (WorkspaceException e) {
      LOG.warn("[codex-mcp] No work-tree comparison for {}: {}", before.cwd(), e.getMessage());
      return null;
    }
  }

  /**
   * Creates the session's worktree; blocks while git runs (call it from a work thread).
   *
   * @throws CodexMcpException {@code INVALID_ARGUMENT} with git's reason
   */
  WorktreeInfo createWorktree(String sessionId, Path cwd, SessionRequests.Worktree req) {
    if (worktrees == null) {
      throw CodexMcpException.invalid("advanced.worktree: worktrees are not available here");
    }
    String branch =
        req.branch() == null || req.branch().isBlank() ? "codex/" + sessionId : req.branch();
    try {
      return worktrees.create(cwd, worktreeRoot.resolve(sessionId), branch, req.base());
    } catch (WorkspaceException e) {
      throw CodexMcpException.invalid("advanced.worktree: " + e.getMessage());
    }
  }

  /** Removes the worktrees that have no uncommitted changes; blocks while git runs. */
  CleanReport clean(List<WorktreeInfo> infos) {
    List<String> removed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (WorktreeInfo info : infos) {
      boolean gone;
      try {
        gone = worktrees != null && worktrees.removeIfClean(info);
      } catch (WorkspaceException e) {
        LOG.warn("[codex-mcp] Worktree {} not removed: {}", info.path(), e.getMessage());
        gone = false;
      }
      (gone ? removed : kept).add(info.path().toString());
    }
    return new CleanReport(removed, kept);
  }
}
