package io.github.codexmcp.workspace;

import io.github.codexmcp.process.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Creates, inspects and removes one git worktree per session. Every method blocks while git runs;
 * callers run them off any lock. Stateless, safe from any thread.
 */
public final class Worktrees {
  private final Git git;

  public Worktrees(CommandRunner runner, String gitExecutable, Duration timeout) {
    this.git = new Git(runner, gitExecutable, timeout);
  }

  /**
   * Creates a worktree at {@code path} on a new {@code branch} from {@code base} (null: {@code
   * HEAD}) of the repository that contains {@code cwd}.
   *
   * @throws WorkspaceException with the reason when {@code cwd} is not in a git work tree, the
   *     repository has no commit yet, the base or branch name is unusable, or git fails
   */
  public WorktreeInfo create(Path cwd, Path path, String branch, String base) {
    if (!Files.isDirectory(cwd)) {
      throw new WorkspaceException("cwd " + cwd + " is not a directory");
    }
    String top = git.tryRun(cwd, "rev-parse", "--show-toplevel");
    if (top == null || top.isBlank()) {
      throw new WorkspaceException("cwd " + cwd + " is not inside a git work tree");
    }
    Path repo = Path.of(top.trim());
    String prefix = git.run(cwd, Map.of(), "rev-parse", "--show-prefix").trim();
    String baseRef = base == null || base.isBlank() ? "HEAD" : base;
    String commit = git.tryRun(repo, "rev-parse", "--verify", "--quiet", baseRef + "^{commit}");
    if (commit == null || commit.isBlank()) {
      throw new WorkspaceException(
          "HEAD".equals(baseRef)
              ? "the repository at " + repo + " has no commit yet (unborn HEAD)"
              : "base '" + baseRef + "' is not a commit in " + repo);
    }
    if (git.tryRun(repo, "check-ref-format", "--branch", branch) == null) {
      throw new WorkspaceException("'" + branch + "' is not a valid branch name");
    }
    if (git.tryRun(repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch) != null) {
      throw new WorkspaceException("branch '" + branch + "' already exists in " + repo);
    }
    if (Files.exists(path)) {
      throw new WorkspaceException("worktree path " + path + " already exists");
    }
    git.run(
        repo, Map.of(), "worktree", "add", "--quiet", "-b", branch, path.toString(), commit.trim());
    Path sessionCwd = prefix.isEmpty() ? path : path.resolve(prefix);
    try {
      Files.createDirectories(sessionCwd);
    } catch (java.io.IOException e) {
      throw new WorkspaceException("cannot create " + sessionCwd + ": " + e.getMessage());
    }
    return new WorktreeInfo(path, branch, baseRef, commit.trim(), repo, sessionCwd);
  }

  /**
   * Whether the worktree holds uncommitted work (modified, staged or untracked files). A worktree
   * that is gone is clean; one git cannot read counts as dirty, so it is never removed blindly.
   */
  public boolean isDirty(Path path) {
    if (!Files.isDirectory(path)) {
      return false;
    }
    String out = git.tryRun(path, "status", "--porcelain=v2", "-z", "--untracked-files=all");
    return out == null || !out.isEmpty();
  }

  /**
   * Removes a clean worktree (its branch stays, with any commits made on it). Returns false and
   * leaves everything in place when it has uncommitted changes.
   */
  public boolean removeIfClean(WorktreeInfo info) {
    if (!Files.isDirectory(info.path())) {
      git.tryRun(info.repository(), "worktree", "prune");
      return true;
    }
    if (isDirty(info.path())) {
      return false;
    }
    git.run(info.repository(), Map.of(), "worktree", "remove", info.path().toString());
    return true;
  }
}
