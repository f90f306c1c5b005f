package io.github.codexmcp.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnChangesTest {
  @TempDir Path tmp;

  private static final String DIFF =
      String.join(
          "\n",
          "diff --git a/src/new file.txt b/src/new file.txt",
          "new file mode 100644",
          "index 0000000..3b18e51",
          "--- /dev/null",
          "+++ b/src/new file.txt",
          "@@ -0,0 +1,2 @@",
          "+hello",
          "++++ not a header inside a hunk",
          "diff --git a/readme.md b/readme.md",
          "index 1111111..2222222 100644",
          "--- a/readme.md",
          "+++ b/readme.md",
          "@@ -1,3 +1,3 @@",
          " keep",
          "-old",
          "--- not a header either",
          "+new",
          "\\ No newline at end of file",
          "diff --git a/gone.txt b/gone.txt",
          "deleted file mode 100644",
          "--- a/gone.txt",
          "+++ /dev/null",
          "@@ -1 +0,0 @@",
          "-bye",
          "diff --git a/a.txt b/b.txt",
          "similarity index 100%",
          "rename from a.txt",
          "rename to b.txt",
          "diff --git a/img.png b/img.png",
          "Binary files a/img.png and b/img.png differ",
          "");

  @Test
  void readsCodexsTurnDiff() {
    TurnChanges t = new TurnChanges();
    t.recordTurnDiff(DIFF);
    ChangeReceipt r = t.receipt(tmp, tmp, null);
    assertEquals(
        List.of(
            new FileChange("b.txt", ChangeKind.RENAMED, "a.txt", 0, 0),
            new FileChange("gone.txt", ChangeKind.DELETED, null, 0, 1),
            new FileChange("img.png", ChangeKind.MODIFIED, null, null, null),
            new FileChange("readme.md", ChangeKind.MODIFIED, null, 1, 2),
            new FileChange("src/new file.txt", ChangeKind.ADDED, null, 2, 0)),
        r.changes());
    assertEquals(new DiffStat(5, 3, 3), r.stat());
  }

  @Test
  void fileChangeItemsCountWhenThereIsNoDiffAndAbsolutePathsBecomeRelative() {
    TurnChanges t = new TurnChanges();
    t.recordPatch(tmp.resolve("x.txt").toString(), "add", null);
    t.recordPatch(tmp.resolve("x.txt").toString(), "update", null);
    t.recordPatch(tmp.resolve("y.txt").toString(), "update", tmp.resolve("z.txt").toString());
    t.recordPatch("w.txt", "delete", null);
    ChangeReceipt r = t.receipt(tmp, null, null);
    assertEquals(
        List.of(
            new FileChange("w.txt", ChangeKind.DELETED, null, null, null),
            new FileChange("x.txt", ChangeKind.ADDED, null, null, null),
            new FileChange("z.txt", ChangeKind.RENAMED, "y.txt", null, null)),
        r.changes());
  }

  @Test
  void gitWinsForItsFilesCodexAddsTheRestAndLineCountsFillGaps() {
    TurnChanges t = new TurnChanges();
    t.recordTurnDiff(DIFF);
    Path sub = tmp.resolve("src");
    List<FileChange> git =
        List.of(
            new FileChange("new file.txt", ChangeKind.ADDED, null, 2, 0),
            new FileChange("../img.png", ChangeKind.MODIFIED, null, null, null),
            new FileChange("script-output.txt", ChangeKind.ADDED, null, 7, 0));
    ChangeReceipt r = t.receipt(sub, tmp, git);
    assertEquals(
        List.of(
            new FileChange("../b.txt", ChangeKind.RENAMED, "../a.txt", 0, 0),
            new FileChange("../gone.txt", ChangeKind.DELETED, null, 0, 1),
            new FileChange("../img.png", ChangeKind.MODIFIED, null, null, null),
            new FileChange("../readme.md", ChangeKind.MODIFIED, null, 1, 2),
            new FileChange("new file.txt", ChangeKind.ADDED, null, 2, 0),
            new FileChange("script-output.txt", ChangeKind.ADDED, null, 7, 0)),
        r.changes());
  }

  @Test
  void nothingReportedIsAnEmptyReceipt() {
    TurnChanges t = new TurnChanges();
    assertTrue(t.isEmpty());
    assertTrue(t.receipt(tmp, null, null).isEmpty());
    assertTrue(t.receipt(tmp, tmp, List.of()).isEmpty());
  }
}
