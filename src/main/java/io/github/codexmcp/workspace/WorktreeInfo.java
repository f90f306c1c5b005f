package io.github.codexmcp.workspace;

import java.nio.file.Path;

/**
 * A session's own git worktree: where it is, the branch made for it, the base it was made from (as
 * the caller named it) and that base's commit, the repository it belongs to, and the directory in
 * it that matches the caller's working directory.
 */
public record WorktreeInfo(
    Path path, String branch, String base, String baseCommit, Path repository, Path cwd) {}
