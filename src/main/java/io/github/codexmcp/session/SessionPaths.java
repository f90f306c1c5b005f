package io.github.codexmcp.session;

import io.github.codexmcp.util.CodexMcpException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Validation of user-supplied working directories; images are {@link ImagePaths}. */
public final class SessionPaths {
  private SessionPaths() {}

  /**
   * Resolves {@code input} (or {@code base} when null) against {@code base} and checks it is a
   * directory.
   */
  public static Path resolveCwd(String input, Path base) {
    Path p = resolve(input, base, "cwd");
    if (!Files.exists(p)) {
      throw CodexMcpException.invalid("cwd does not exist: " + p);
    }
    if (!Files.isDirectory(p)) {
      throw CodexMcpException.invalid("cwd is not a directory: " + p);
    }
    if (!Files.isReadable(p)) {
      throw CodexMcpException.invalid("cannot access cwd: " + p);
    }
    return p;
  }

  private static Path resolve(String input, Path base, String label) {
    try {
      Path p = input == null ? base : base.resolve(input);
      return p.toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CodexMcpException.invalid("cannot access " + label + ": " + input);
    }
  }
}
