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
