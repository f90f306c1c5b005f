package io.github.codexmcp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorktreesTest {
  @TempDir Path tmp;

  private final Worktrees worktrees =
      new Worktrees(GitRepoFixture.RUNNER, "git", GitRepoFixture.TIMEOUT);

  @Test
  void createsAWorktreeOnANewBranchAndMapsTheWorkingDirectory() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("pkg/a.txt", "a\n").commitAll("base");
    String head = repo.git("rev-parse", "HEAD").trim();
    Path where = tmp.resolve("trees/s1");

    WorktreeInfo info = worktrees.create(repo.dir.resolve("pkg"), where, "codex/s1", null);

    assertEquals(where, info.path());
    assertEquals("codex/s1", info.branch());
    assertEquals("HEAD", info.base());
    assertEquals(head, info.baseCommit());
    assertEquals(where.resolve("pkg/"), info.cwd());
    assertTrue(Files.isRegularFile(info.cwd().resolve("a.txt")));
    assertTrue(repo.git("worktree", "list", "--porcelain").contains(where.toString()));
    assertFalse(worktrees.isDirty(where));
  }

  @Test
  void removesOnlyCleanWorktreesAndKeepsTheBranch() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("a.txt", "a\n").commitAll("base");
    WorktreeInfo clean = worktrees.create(repo.dir, tmp.resolve("t/clean"), "codex/c", "main");
    WorktreeInfo dirty = worktrees.create(repo.dir, tmp.resolve("t/dirty"), "codex/d", null);
    Files.writeString(dirty.path().resolve("new.txt"), "work\n");

    assertTrue(worktrees.isDirty(dirty.path()));
    assertFalse(worktrees.removeIfClean(dirty));
    assertTrue(Files.exists(dirty.path().resolve("new.txt")));

    assertTrue(worktrees.removeIfClean(clean));
    assertFalse(Files.exists(clean.path()));
    assertEquals("codex/c", repo.git("branch", "--list", "codex/c").trim().replace("* ", ""));
    assertTrue(worktrees.removeIfClean(clean), "a worktree already gone counts as removed");
  }

  @Test
  void refusesWhatCannotWorkWithTheReason() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    WorkspaceException notGit =
        assertThrows(
            WorkspaceException.class,
            () -> worktrees.create(plain, tmp.resolve("w1"), "codex/x", null));
    assertTrue(notGit.getMessage().contains("not inside a git work tree"), notGit.getMessage());

    GitRepoFixture fresh = GitRepoFixture.init(tmp.resolve("fresh"));
    WorkspaceException unborn =
        assertThrows(
            WorkspaceException.class,
            () -> worktrees.create(fresh.dir, tmp.resolve("w2"), "codex/x", null));
    assertTrue(unborn.getMessage().contains("unborn HEAD"), unborn.getMessage());

    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("a.txt", "a\n").commitAll("base");
    assertThrows(
        WorkspaceException.class,
        () -> worktrees.create(repo.dir, tmp.resolve("w3"), "codex/x", "no-such-ref"));
    assertThrows(
        WorkspaceException.class,
        () -> worktrees.create(repo.dir, tmp.resolve("w4"), "bad..name", null));
    worktrees.create(repo.dir, tmp.resolve("w5"), "codex/taken", null);
    WorkspaceException taken =
        assertThrows(
            WorkspaceException.class,
            () -> worktrees.create(repo.dir, tmp.resolve("w6"), "codex/taken", null));
    assertTrue(taken.getMessage().contains("already exists"), taken.getMessage());
  }
}
