package io.github.codexmcp.workspace;

import java.util.Objects;

/**
 * One entry of a change receipt: {@code path} relative to the session's working directory, {@code
 * from} the old path of a rename, line counts when known (null for binary files or when the source
 * gave none).
 */
public record FileChange(
    String path, ChangeKind kind, String from, Integer additions, Integer deletions) {
  public FileChange {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    if (kind != ChangeKind.RENAMED) {
      from = null;
    }
  }

  /** The same change with line counts taken from {@code other} where this one has none. */
  FileChange withCountsFrom(FileChange other) {
    return new FileChange(
        path,
        kind,
        from,
        additions != null ? additions : other.additions,
        deletions != null ? deletions : other.deletions);
  }
}
