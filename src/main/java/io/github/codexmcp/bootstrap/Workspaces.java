package io.github.codexmcp.bootstrap;

import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.CommandRunner;
import io.github.codexmcp.session.SessionWorkspace;
import io.github.codexmcp.workspace.GitWorkspace;
import io.github.codexmcp.workspace.Worktrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;

/** Wires git for change receipts and worktrees. */
final class Workspaces {
  /** Longest a single git command may run (a snapshot of a large work tree included). */
  static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);

  private Workspaces() {}

  /**
   * Session worktrees live in {@code worktrees/} beside the state directory; temporary index files
   * in the system's temporary directory.
   */
  static SessionWorkspace create(ServerConfig config, CommandRunner runner, Executor work) {
    Path state = config.stateDir().toAbsolutePath();
    Path root =
        state.getParent() == null ? state.resolve("worktrees") : state.resolveSibling("worktrees");
    Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "codex-mcp-git");
    return new SessionWorkspace(
        new GitWorkspace(runner, "git", scratch, GIT_TIMEOUT),
        new Worktrees(runner, "git", GIT_TIMEOUT),
        root,
        work);
  }
}
