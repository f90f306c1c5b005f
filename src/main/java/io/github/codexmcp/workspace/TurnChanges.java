package io.github.codexmcp.workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what Codex says one turn changed (its file-change items and its latest turn diff) and
 * merges that with the git comparison into the turn's {@link ChangeReceipt}. Not thread-safe: the
 * owner guards it (the session's lock); {@link #receipt} does no I/O.
 */
public final class TurnChanges {
  private final Map<String, FileChange> patched = new LinkedHashMap<>();
  private String turnDiff;

  /**
   * A change from a Codex file-change item: {@code kind} is Codex's {@code add}, {@code delete} or
   * {@code update}, {@code movePath} the new path of a moved file; paths as Codex gave them.
   */
  public void recordPatch(String path, String kind, String movePath) {
    if (path == null || path.isEmpty()) {
      return;
    }
    ChangeKind k =
        movePath != null && !movePath.isEmpty()
            ? ChangeKind.RENAMED
            : "add".equals(kind)
                ? ChangeKind.ADDED
                : "delete".equals(kind) ? ChangeKind.DELETED : ChangeKind.MODIFIED;
    String key = k == ChangeKind.RENAMED ? movePath : path;
    FileChange earlier = patched.get(key);
    if (earlier != null && earlier.kind() == ChangeKind.ADDED && k == ChangeKind.MODIFIED) {
      return; // added then edited in the same turn: still an addition
    }
    patched.put(key, new FileChange(key, k, k == ChangeKind.RENAMED ? path : null, null, null));
  }

  /** Codex's whole-turn diff so far ({@code turn/diff/updated}); the latest one wins. */
  public void recordTurnDiff(String diff) {
    this.turnDiff = diff;
  }

  public boolean isEmpty() {
    return patched.isEmpty() && (turnDiff == null || turnDiff.isBlank());
  }

  /**
   * The turn's receipt. {@code gitChanges} (null when the directory is not a git work tree or the
   * comparison failed) is authoritative for the files it lists; Codex's reports add the files git
   * does not see (ignored files, directories outside a work tree) and the line counts git could not
   * give.
   *
   * @param top the work tree's root (null outside one): Codex prints diff paths relative to it
   */
  public ChangeReceipt receipt(Path cwd, Path top, List<FileChange> gitChanges) {
    PathMapper paths = new PathMapper(cwd, top);
    Map<String, FileChange> codex = new LinkedHashMap<>();
    for (FileChange c : patched.values()) {
      String p = paths.fromCodex(c.path());
      String from = c.from() == null ? null : paths.fromCodex(c.from());
      codex.put(p, new FileChange(p, c.kind(), from, null, null));
    }
    for (UnifiedDiff.Entry e : UnifiedDiff.parse(turnDiff)) {
      String p = paths.fromCodex(e.path());
      String from = e.from() == null ? null : paths.fromCodex(e.from());
      codex.put(p, new FileChange(p, e.kind(), from, e.additions(), e.deletions()));
    }
    if (gitChanges == null) {
      return ChangeReceipt.of(new ArrayList<>(codex.values()));
    }
    Map<String, FileChange> merged = new LinkedHashMap<>();
    for (FileChange g : gitChanges) {
      FileChange c = codex.get(g.path());
      merged.put(g.path(), c == null ? g : g.withCountsFrom(c));
    }
    for (FileChange c : codex.values()) {
      if (!merged.containsKey(c.path()) && !(c.from() != null && merged.containsKey(c.from()))) {
        merged.put(c.path(), c);
      }
    }
    return ChangeReceipt.of(new ArrayList<>(merged.values()));
  }
}
