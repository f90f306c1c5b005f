package io.github.codexmcp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.codexmcp.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitDiscoveryTest {
  @TempDir Path tmp;

  /**
   * The environment of these tests: git's search stops below the temporary directory, so a {@code
   * .git} above it (a machine's {@code /tmp/.git}) does not count, for git as for the check.
   */
  private Map<String, String> env() {
    return Map.of("GIT_CEILING_DIRECTORIES", tmp.toString());
  }

  private Map<String, String> env(String name, String value) {
    return Map.of("GIT_CEILING_DIRECTORIES", tmp.toString(), name, value);
  }

  @Test
  void aDirectoryWithoutGitAboveItStartsNoGit() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain/deeper"));
    CommandRunner runner = mock(CommandRunner.class);
    GitWorkspace ws =
        new GitWorkspace(runner, "git", tmp.resolve("scratch"), Duration.ofSeconds(5), env());

    assertEquals(Optional.empty(), ws.snapshot(plain));
    verify(runner, never()).run(any(), any(), any());
  }

  @Test
  void aGitEntryInTheDirectoryOrAParentIsAMaybe() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path sub = Files.createDirectories(repo.resolve("a/b"));
    assertFalse(GitDiscovery.mayFindRepository(sub, env()));

    Files.createDirectory(repo.resolve(".git"));
    assertTrue(GitDiscovery.mayFindRepository(sub, env()));
    assertTrue(GitDiscovery.mayFindRepository(repo, env()));

    Path worktree = Files.createDirectories(tmp.resolve("worktree"));
    Files.writeString(worktree.resolve(".git"), "gitdir: elsewhere\n"); // a linked worktree
    assertTrue(GitDiscovery.mayFindRepository(worktree, env()));
  }

  @Test
  void aRepositoryDirectoryItselfIsAMaybe() throws IOException {
    // a bare repository, or a separate git directory whose config names a work tree
    Path store = Files.createDirectories(tmp.resolve("store.git/objects/info"));
    Files.writeString(store.getParent().getParent().resolve("HEAD"), "ref: refs/heads/main\n");
    assertTrue(GitDiscovery.mayFindRepository(store, env()));
  }

  @Test
  void ceilingsAreReadAsGitReadsThem() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real/c"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real.getParent());
    String sep = java.io.File.pathSeparator;
    // before an empty entry: by the real path; one that cannot be resolved is dropped
    assertEquals(
        java.util.Set.of(real.getParent().toRealPath()),
        GitDiscovery.ceilings(link + sep + tmp.resolve("missing") + sep + "relative"));
    // after one: as spelled, so a link is not followed and a path with ".." never matches
    assertEquals(
        java.util.Set.of(link),
        GitDiscovery.ceilings(sep + link + sep + tmp.resolve("real/../real") + "/"));
    assertEquals(java.util.Set.of(), GitDiscovery.ceilings(""));
  }

  @Test
  void aSymbolicLinkIntoARepositoryIsLookedAtFromWhereItLeads() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectory(repo.resolve(".git"));
    Path inside = Files.createDirectories(repo.resolve("src"));
    Path link =
        Files.createSymbolicLink(
            Files.createDirectories(tmp.resolve("outside")).resolve("link"), inside);

    assertTrue(GitDiscovery.mayFindRepository(link, env()));
  }

  @Test
  void anEnvironmentThatNamesARepositoryIsAMaybeAnywhere() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    for (String name : GitDiscovery.REPOSITORY_VARIABLES) {
      assertTrue(GitDiscovery.mayFindRepository(plain, env(name, "/somewhere/.git")), name);
    }
    assertFalse(GitDiscovery.mayFindRepository(plain, env("GIT_DIR", "")));
  }

  @Test
  void theSearchStopsBelowACeilingDirectoryAsGitsDoes() throws IOException {
    Path outer = Files.createDirectories(tmp.resolve("outer"));
    Files.createDirectory(outer.resolve(".git"));
    Path inner = Files.createDirectories(outer.resolve("ceiling/work"));
    assertTrue(GitDiscovery.mayFindRepository(inner, env()));
    Map<String, String> ceiling =
        Map.of("GIT_CEILING_DIRECTORIES", "relative:" + outer.resolve("ceiling"));
    assertFalse(GitDiscovery.mayFindRepository(inner, ceiling));
  }

  @Test
  void aDirectoryThatCannotBeResolvedIsLeftToGit() {
    assertTrue(GitDiscovery.mayFindRepository(tmp.resolve("missing"), env()));
  }
}
