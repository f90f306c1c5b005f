package io.github.codexmcp.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether git could find a repository from a directory, told without running git: git looks for a
 * {@code .git} entry (a directory, or a file pointing elsewhere) in the directory and each of its
 * parents, unless the environment names the repository ({@code GIT_DIR} and its kin). When neither
 * is there, {@code git rev-parse} can only fail, and a session in such a directory starts without
 * spawning a process to learn it. Like git, the search does not go up into a directory listed in
 * {@code GIT_CEILING_DIRECTORIES}. The answer may be a false "maybe" (an empty {@code .git}
 * directory, a bare repository, an unsafe owner: git then answers as before), never a false "no".
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
   * variable names one, and neither {@code dir} nor a parent holds {@code .git}, on its path as
   * given nor on its real path (git looks from the directory it changed into, symbolic links
   * resolved).
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
      if (Files.exists(d.resolve(".git"))) {
        return true;
      }
      if (ceilings.contains(d.getParent())) {
        return false; // git does not go up into a ceiling directory
      }
    }
    return false;
  }

  /** The ceiling directories as given and resolved (absolute entries only, as git takes them). */
  private static Set<Path> ceilings(String list) {
    Set<Path> out = new HashSet<>();
    if (list == null || list.isEmpty()) {
      return out;
    }
    for (String entry : list.split(java.io.File.pathSeparator)) {
      try {
        Path p = Path.of(entry);
        if (!entry.isEmpty() && p.isAbsolute()) {
          out.add(p.normalize());
          out.add(p.toRealPath());
        }
      } catch (IOException | RuntimeException e) {
        // kept as given, or not at all: a ceiling missed only makes the search longer
      }
    }
    return out;
  }
}
