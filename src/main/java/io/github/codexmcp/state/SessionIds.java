package io.github.codexmcp.state;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Validation of session ids before they become path segments under {@code sessions/}.
 *
 * <p>Only ids of the form {@code sess_[A-Za-z0-9-]{1,64}} are accepted, which rules out traversal
 * ({@code ..}), separators, absolute paths, drive letters and empty names. Stateless and
 * thread-safe.
 */
public final class SessionIds {
  private static final Pattern VALID = Pattern.compile("sess_[A-Za-z0-9-]{1,64}");

  private SessionIds() {}

  /** Whether {@code id} may be used as a session directory name. */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /**
   * Resolves the directory of {@code id} under {@code sessionsDir}, or returns null when the id is
   * invalid or would escape {@code sessionsDir} (defence in depth on top of the pattern).
   */
  static Path resolve(Path sessionsDir, String id) {
    if (!isValid(id)) {
      return null;
    }
    Path base = sessionsDir.toAbsolutePath().normalize();
    Path dir = base.resolve(id).normalize();
    return base.equals(dir.getParent()) ? dir : null;
  }

  /**
   * The valid session ids among the directories of {@code sessionsDir}, sorted (reads the disk).
   */
  static List<String> listIn(Path sessionsDir) {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(sessionsDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (isValid(name)) {
          ids.add(name);
        }
      }
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger(SessionIds.class)
          .warn("[state] Cannot list {}: {}", sessionsDir, e.toString());
    }
    ids.sort(null);
    return ids;
  }

  /** {@code pid}'s process, or null when it is gone or cannot be looked up. */
  static ProcessTable.ProcessInfo lookupQuietly(ProcessTable processes, long pid) {
    try {
      return processes.lookup(pid).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
