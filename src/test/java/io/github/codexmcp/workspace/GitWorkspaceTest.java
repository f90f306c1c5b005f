package io.github.codexmcp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitWorkspaceTest {
  @TempDir Path tmp;

  private GitWorkspace workspace() {
    return new GitWorkspace(
        GitRepoFixture.RUNNER, "git", tmp.resolve("scratch"), GitRepoFixture.TIMEOUT);
  }

  @Test
  void listsAddedModifiedDeletedAndRenamedFilesWithLineCounts() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("keep.txt", "a\nb\nc\n")
        .write("gone.txt", "x\n")
        .write("old-name.txt", "one\ntwo\nthree\nfour\nfive\n")
        .commitAll("base");
    GitWorkspace ws = workspace();
    WorkTreeSnapshot before = ws.snapshot(repo.dir).orElseThrow();

    repo.write("keep.txt", "a\nB\nc\nd\n").write("new.txt", "n1\nn2\n");
    Files.delete(repo.dir.resolve("gone.txt"));
    Files.move(repo.dir.resolve("old-name.txt"), repo.dir.resolve("new-name.txt"));

    List<FileChange> changes = ws.changesSince(before);
    ChangeReceipt r = ChangeReceipt.of(changes);
    assertEquals(
        List.of(
            new FileChange("gone.txt", ChangeKind.DELETED, null, 0, 1),
            new FileChange("keep.txt", ChangeKind.MODIFIED, null, 2, 1),
            new FileChange("new-name.txt", ChangeKind.RENAMED, "old-name.txt", 0, 0),
            new FileChange("new.txt", ChangeKind.ADDED, null, 2, 0)),
        r.changes());
    assertEquals(new DiffStat(4, 4, 2), r.stat());
    assertFalse(r.truncated());
  }

  @Test
  void leavesTheUsersIndexAndStashAlone() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("a.txt", "1\n").commitAll("base");
    repo.write("staged.txt", "s\n");
    repo.git("add", "staged.txt");
    String statusBefore = repo.git("status", "--porcelain");
    byte[] indexBefore = Files.readAllBytes(repo.dir.resolve(".git/index"));

    GitWorkspace ws = workspace();
    WorkTreeSnapshot before = ws.snapshot(repo.dir).orElseThrow();
    repo.write("untracked.txt", "u\n");
    List<FileChange> changes = ws.changesSince(before);

    assertEquals(List.of(new FileChange("untracked.txt", ChangeKind.ADDED, null, 1, 0)), changes);
    assertEquals(statusBefore + "?? untracked.txt\n", repo.git("status", "--porcelain"));
    assertTrue(
        java.util.Arrays.equals(indexBefore, Files.readAllBytes(repo.dir.resolve(".git/index"))));
    assertEquals("", repo.git("stash", "list"));
    try (var left = Files.list(tmp.resolve("scratch"))) {
      assertEquals(0, left.count(), "temporary index files are deleted");
    }
  }

  @Test
  void pathsAreRelativeToTheWorkingDirectoryAndIgnoredFilesDoNotCount() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write(".gitignore", "build/\n").write("sub/x.txt", "x\n").commitAll("base");
    GitWorkspace ws = workspace();
    Path sub = repo.dir.resolve("sub");
    WorkTreeSnapshot before = ws.snapshot(sub).orElseThrow();
    repo.write("sub/y.txt", "y\n").write("top.txt", "t\n").write("build/out.bin", "o\n");

    List<FileChange> changes = ChangeReceipt.of(ws.changesSince(before)).changes();
    assertEquals(
        List.of(
            new FileChange("../top.txt", ChangeKind.ADDED, null, 1, 0),
            new FileChange("y.txt", ChangeKind.ADDED, null, 1, 0)),
        changes);
  }

  @Test
  void nothingChangedIsAnEmptyList() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("a.txt", "1\n").commitAll("base");
    GitWorkspace ws = workspace();
    WorkTreeSnapshot before = ws.snapshot(repo.dir).orElseThrow();
    assertEquals(List.of(), ws.changesSince(before));
  }

  @Test
  void worksInARepositoryWithoutCommitsAndOutsideGit() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("fresh"));
    GitWorkspace ws = workspace();
    WorkTreeSnapshot before = ws.snapshot(repo.dir).orElseThrow();
    repo.write("first.txt", "1\n");
    assertEquals(
        List.of(new FileChange("first.txt", ChangeKind.ADDED, null, 1, 0)),
        ws.changesSince(before));

    Path plain = Files.createDirectories(tmp.resolve("plain"));
    assertEquals(Optional.empty(), ws.snapshot(plain));
  }

  @Test
  void binaryFilesHaveNoLineCounts() throws IOException {
    GitRepoFixture repo = GitRepoFixture.init(tmp.resolve("repo"));
    repo.write("a.txt", "1\n").commitAll("base");
    GitWorkspace ws = workspace();
    WorkTreeSnapshot before = ws.snapshot(repo.dir).orElseThrow();
    Files.write(repo.dir.resolve("blob.bin"), new byte[] {0, 1, 2, 0, 3});
    assertEquals(
        List.of(new FileChange("blob.bin", ChangeKind.ADDED, null, null, null)),
        ws.changesSince(before));
  }

  @Test
  void aReceiptListsAtMost500EntriesButCountsThemAll() {
    List<FileChange> many = new java.util.ArrayList<>();
    for (int i = 0; i < 620; i++) {
      many.add(new FileChange(String.format("f%04d.txt", i), ChangeKind.ADDED, null, 2, 0));
    }
    ChangeReceipt r = ChangeReceipt.of(many);
    assertEquals(500, r.changes().size());
    assertTrue(r.truncated());
    assertEquals(new DiffStat(620, 1240, 0), r.stat());
    assertEquals("f0000.txt", r.changes().get(0).path());
  }
}
