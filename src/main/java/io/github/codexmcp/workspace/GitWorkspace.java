package io.github.codexmcp.workspace;

import io.github.codexmcp.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshots a git work tree at a turn's start and lists what changed by the turn's end, so files
 * written by shell commands count as well as Codex's own edits.
 *
 * <p>A snapshot is {@code git add -A} into a temporary copy of the index followed by {@code git
 * write-tree}: the user's index, stash and refs are never touched (only loose objects are added to
 * the object store, which git's own garbage collection reclaims). Every method blocks while git
 * runs; callers run them off any lock, on a thread that may wait. Stateless, safe from any thread.
 */
public final class GitWorkspace {
  private final Git git;
  private final Path tempDir;
  private final Map<String, String> environment;

  /**
   * @param tempDir where temporary index files live (deleted after each use)
   */
  public GitWorkspace(CommandRunner runner, String gitExecutable, Path tempDir, Duration timeout) {
    this(runner, gitExecutable, tempDir, timeout, System.getenv());
  }

  /**
   * As above; {@code environment} is the environment git inherits (it decides whether git may find
   * a repository without a {@code .git} entry: {@link GitDiscovery}).
   */
  GitWorkspace(
      CommandRunner runner,
      String gitExecutable,
      Path tempDir,
      Duration timeout,
      Map<String, String> environment) {
    this.git = new Git(runner, gitExecutable, timeout);
    this.tempDir = tempDir;
    this.environment = environment;
  }

  /**
   * The work tree's state now, or empty when {@code cwd} is not inside a git work tree. A directory
   * that git could not take for a work tree ({@link GitDiscovery}) is answered without running git.
   */
  public Optional<WorkTreeSnapshot> snapshot(Path cwd) {
    if (!GitDiscovery.mayFindRepository(cwd, environment)) {
      return Optional.empty();
    }
    String out = git.tryRun(cwd, "rev-parse", "--show-toplevel", "--git-path", "index");
    if (out == null) {
      return Optional.empty();
    }
    String[] lines = out.split("\n");
    if (lines.length < 2 || lines[0].isBlank()) {
      return Optional.empty();
    }
    Path top = Path.of(lines[0].trim());
    Path index = cwd.resolve(lines[1].trim());
    return Optional.of(new WorkTreeSnapshot(cwd, top, writeTree(top, index)));
  }

  /**
   * What changed in the work tree since {@code before}, paths relative to the snapshot's {@code
   * cwd} (changes elsewhere in the repository come out as {@code ../...}).
   */
  public List<FileChange> changesSince(WorkTreeSnapshot before) {
    String out = git.run(before.cwd(), Map.of(), "rev-parse", "--git-path", "index").trim();
    String after = writeTree(before.top(), before.cwd().resolve(out));
    if (after.equals(before.tree())) {
      return List.of();
    }
    String status =
        git.run(
            before.top(),
            Map.of(),
            "diff-tree",
            "-r",
            "-M",
            "-z",
            "--name-status",
            before.tree(),
            after);
    String numstat =
        git.run(
            before.top(),
            Map.of(),
            "diff-tree",
            "-r",
            "-M",
            "-z",
            "--numstat",
            before.tree(),
            after);
    PathMapper paths = new PathMapper(before.cwd(), before.top());
    return GitDiffParser.parse(status, numstat, paths);
  }

  private String writeTree(Path top, Path realIndex) {
    Path temp = null;
    try {
      Files.createDirectories(tempDir);
      temp = Files.createTempFile(tempDir, "index-", ".tmp");
      if (Files.isRegularFile(realIndex)) {
        Files.copy(realIndex, temp, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(temp);
      }
      Map<String, String> env = new HashMap<>();
      env.put("GIT_INDEX_FILE", temp.toAbsolutePath().toString());
      git.run(top, env, "add", "-A", "--", ".");
      String tree = git.run(top, env, "write-tree").trim();
      if (tree.isEmpty()) {
        throw new WorkspaceException("git write-tree gave no tree");
      }
      return tree;
    } catch (IOException e) {
      throw new WorkspaceException("temporary index: " + e.getMessage());
    } finally {
      deleteQuietly(temp);
      if (temp != null) {
        deleteQuietly(temp.resolveSibling(temp.getFileName() + ".lock"));
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temporary file; the next run does not reuse its name
    }
  }

  /** Pairs {@code --name-status -z} and {@code --numstat -z} output into changes. */
  static final class GitDiffParser {
    private GitDiffParser() {}

    static List<FileChange> parse(String nameStatus, String numstat, PathMapper paths) {
      Map<String, int[]> counts = numstatCounts(numstat);
      List<FileChange> out = new ArrayList<>();
      String[] t = nameStatus.split("\0", -1);
      int i = 0;
      while (i < t.length && !t[i].isEmpty()) {
        char code = t[i].charAt(0);
        if ((code == 'R' || code == 'C') && i + 2 < t.length) {
          String from = t[i + 1];
          String to = t[i + 2];
          i += 3;
          int[] c = counts.get(to);
          ChangeKind kind = code == 'R' ? ChangeKind.RENAMED : ChangeKind.ADDED;
          out.add(new FileChange(paths.fromTop(to), kind, paths.fromTop(from), add(c), del(c)));
        } else if (i + 1 < t.length) {
          String path = t[i + 1];
          i += 2;
          int[] c = counts.get(path);
          out.add(new FileChange(paths.fromTop(path), kindOf(code), null, add(c), del(c)));
        } else {
          break;
        }
      }
      return out;
    }

    private static ChangeKind kindOf(char code) {
      return switch (code) {
        case 'A' -> ChangeKind.ADDED;
        case 'D' -> ChangeKind.DELETED;
        default -> ChangeKind.MODIFIED;
      };
    }

    private static Integer add(int[] c) {
      return c == null || c[0] < 0 ? null : c[0];
    }

    private static Integer del(int[] c) {
      return c == null || c[1] < 0 ? null : c[1];
    }

    /** Path (the new path for renames) to {additions, deletions}; -1 for binary files. */
    private static Map<String, int[]> numstatCounts(String numstat) {
      Map<String, int[]> counts = new HashMap<>();
      String[] t = numstat.split("\0", -1);
      int i = 0;
      while (i < t.length && !t[i].isEmpty()) {
        String[] f = t[i].split("\t", 3);
        if (f.length < 3) {
          break;
        }
        int[] c = {count(f[0]), count(f[1])};
        if (f[2].isEmpty() && i + 2 < t.length) {
          counts.put(t[i + 2], c);
          i += 3;
        } else {
          counts.put(f[2], c);
          i++;
        }
      }
      return counts;
    }

    private static int count(String s) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
