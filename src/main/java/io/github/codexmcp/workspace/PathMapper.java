package io.github.codexmcp.workspace;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns the paths git and Codex report (relative to the work tree's root, relative to the working
 * directory, or absolute) into paths relative to the session's working directory, with {@code /}
 * separators.
 */
final class PathMapper {
  private final Path cwd;
  private final Path top;

  /**
   * @param top the work tree's root, or null when the directory is not in a git work tree
   */
  PathMapper(Path cwd, Path top) {
    this.cwd = real(cwd);
    this.top = top == null ? null : real(top);
  }

  /** A path git printed (relative to the work tree's root). */
  String fromTop(String path) {
    return relative((top == null ? cwd : top).resolve(path));
  }

  /** A path Codex reported: absolute, or relative to the work tree's root when there is one. */
  String fromCodex(String path) {
    try {
      Path p = Path.of(path);
      return relative(p.isAbsolute() ? p : (top == null ? cwd : top).resolve(p));
    } catch (InvalidPathException e) {
      return path;
    }
  }

  private String relative(Path p) {
    Path abs = p.normalize();
    Path rel = abs.startsWith(cwd) || abs.getRoot() != null ? cwd.relativize(abs) : abs;
    return rel.toString().replace('\\', '/');
  }

  private static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (java.io.IOException e) {
      return abs;
    }
  }
}
