package io.github.codexmcp.workspace;

import java.nio.file.Path;

/**
 * The state of a git work tree at one moment, as a tree object in the repository's object store
 * (tracked and untracked files, ignored ones left out). {@code top} is the work tree's root, {@code
 * cwd} the directory changes are reported relative to.
 */
public record WorkTreeSnapshot(Path cwd, Path top, String tree) {}
