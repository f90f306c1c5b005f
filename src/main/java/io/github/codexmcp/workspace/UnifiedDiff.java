package io.github.codexmcp.workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a git-style unified diff (Codex's {@code turn/diff/updated} text) into one change per file
 * with its line counts. Paths are returned as the diff prints them, without the {@code a/} / {@code
 * b/} prefixes.
 */
final class UnifiedDiff {
  private UnifiedDiff() {}

  /** One file section's facts as the diff states them. */
  record Entry(String path, ChangeKind kind, String from, Integer additions, Integer deletions) {}

  static List<Entry> parse(String diff) {
    List<Entry> out = new ArrayList<>();
    if (diff == null || diff.isEmpty()) {
      return out;
    }
    Section s = null;
    for (String line : diff.split("\n", -1)) {
      if (line.startsWith("diff --git ")) {
        if (s != null) {
          s.finish(out);
        }
        s = new Section(line);
      } else if (s == null) {
        continue;
      } else if (s.inHunk && !line.startsWith("@@")) {
        s.hunkLine(line);
      } else {
        s.header(line);
      }
    }
    if (s != null) {
      s.finish(out);
    }
    return out;
  }

  private static final class Section {
    String oldPath;
    String newPath;
    String renameFrom;
    String renameTo;
    ChangeKind kind = ChangeKind.MODIFIED;
    boolean binary;
    boolean inHunk;
    int additions;
    int deletions;

    Section(String diffGitLine) {
      // "diff --git a/X b/Y": a fallback only, the ---/+++ lines are unambiguous with spaces.
      String rest = diffGitLine.substring("diff --git ".length());
      int mid = rest.indexOf(" b/");
      if (rest.startsWith("a/") && mid > 0) {
        oldPath = rest.substring(2, mid);
        newPath = rest.substring(mid + 3);
      }
    }

    void header(String line) {
      if (line.startsWith("@@")) {
        inHunk = true;
      } else if (line.startsWith("new file mode")) {
        kind = ChangeKind.ADDED;
      } else if (line.startsWith("deleted file mode")) {
        kind = ChangeKind.DELETED;
      } else if (line.startsWith("rename from ")) {
        renameFrom = line.substring("rename from ".length());
        kind = ChangeKind.RENAMED;
      } else if (line.startsWith("rename to ")) {
        renameTo = line.substring("rename to ".length());
        kind = ChangeKind.RENAMED;
      } else if (line.startsWith("--- ")) {
        String p = stripPrefix(line.substring(4), "a/");
        if (p != null) {
          oldPath = p;
        }
      } else if (line.startsWith("+++ ")) {
        String p = stripPrefix(line.substring(4), "b/");
        if (p != null) {
          newPath = p;
        }
      } else if (line.startsWith("Binary files ") || line.startsWith("GIT binary patch")) {
        binary = true;
      }
    }

    void hunkLine(String line) {
      if (line.startsWith("+")) {
        additions++;
      } else if (line.startsWith("-")) {
        deletions++;
      }
    }

    void finish(List<Entry> out) {
      String path = kind == ChangeKind.DELETED ? oldPath : renameTo != null ? renameTo : newPath;
      if (path == null) {
        path = oldPath;
      }
      if (path == null) {
        return;
      }
      String from = kind == ChangeKind.RENAMED ? (renameFrom != null ? renameFrom : oldPath) : null;
      out.add(new Entry(path, kind, from, binary ? null : additions, binary ? null : deletions));
    }

    /** The path of a ---/+++ line; null for /dev/null. */
    private static String stripPrefix(String p, String prefix) {
      int tab = p.indexOf('\t');
      String path = tab >= 0 ? p.substring(0, tab) : p;
      if (path.equals("/dev/null")) {
        return null;
      }
      return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }
  }
}
