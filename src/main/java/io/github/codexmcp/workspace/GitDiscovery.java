package io.github.codexmcp.workspace;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether git could find a repository from a directory, told without running git: git looks in the
 * directory and each of its parents for a {@code .git} entry (a directory, or a file pointing
 * elsewhere) or for a repository itself (a bare one, or a separate git directory with a work tree
 * configured: it has a {@code HEAD}), unless the environment names the repository ({@code GIT_DIR}
 * and its kin). When none of these is there, {@code git rev-parse} can only fail, and a session in
 * such a directory starts without spawning a process to learn it. Like git, the search does not go
 * up into a directory listed in {@code GIT_CEILING_DIRECTORIES}, read as git reads it (entries
 * before an empty one resolved and dropped when they cannot be, entries after it taken as spelled;
 * not at all on Windows, where git compares them differently). The answer may be a false "maybe"
 * (an empty {@code .git} directory, a file named {@code HEAD}, an unsafe owner: git then answers as
 * before), never a false "no".
 *
 * <p>Stateless; reads the file system (a few {@code stat}s) on the caller's thread.
 */
final class GitDiscovery {
  /** Variables with which git finds a repository without a {@code .git} entry above the cwd. */
  static final List<String> REPOSITORY_VARIABLES =
      List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR");

  private GitDiscovery() {}

  /**
   * False only when git, run in {@code dir} with {@code environment}, cannot find a repository: no
   * variable names one, and neither {@code dir} nor a parent below the nearest ceiling holds {@code
   * .git} or {@code HEAD}, looked for on the real path (where git looks from: the directory it
   * changed into, symbolic links resolved) and on the path as given.
   */
  static boolean mayFindRepository(Path dir, Map<String, String> environment) {
    for (String name : REPOSITORY_VARIABLES) {
      String value = environment.get(name);
      if (value != null && !value.isEmpty()) {
        return true;
      }
    }
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException | RuntimeException e) {
      return true; // git will say what is wrong with the directory
    }
    Set<Path> ceilings = ceilings(environment.get("GIT_CEILING_DIRECTORIES"));
    return hasGitAbove(real, ceilings) || hasGitAbove(dir.toAbsolutePath(), ceilings);
  }

  private static boolean hasGitAbove(Path dir, Set<Path> ceilings) {
    for (Path d = dir.normalize(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git")) || Files.exists(d.resolve("HEAD"))) {
        return true;
      }
      if (ceilings.contains(d.getParent())) {
        return false; // git does not go up into a ceiling directory
      }
    }
    return false;
  }

  /**
   * The ceiling directories git would use: absolute entries before the first empty one by their
   * real path (dropped when it cannot be had), later ones only when spelled as a normal path; none
   * on Windows. A ceiling left out only makes the search longer.
   */
  static Set<Path> ceilings(String list) {
    Set<Path> out = new HashSet<>();
    if (list == null || list.isEmpty() || System.getProperty("os.name", "").startsWith("Windows")) {
      return out;
    }
    boolean asSpelled = false;
    for (String entry : list.split(File.pathSeparator, -1)) {
      if (entry.isEmpty()) {
        asSpelled = true;
        continue;
      }
      try {
        Path p = Path.of(entry);
        if (!p.isAbsolute()) {
          continue;
        }
        if (!asSpelled) {
          out.add(p.toRealPath());
        } else if (p.toString().equals(strip(entry)) && p.normalize().equals(p)) {
          out.add(p);
        }
      } catch (IOException | RuntimeException e) {
        // git drops an entry it cannot resolve
      }
    }
    return out;
  }

  private static String strip(String entry) {
    return entry.length() > 1 && entry.endsWith("/")
        ? entry.substring(0, entry.length() - 1)
        : entry;
  }
}
