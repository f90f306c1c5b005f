package io.github.codexmcp.workspace;

import java.util.List;

/** Totals of a change receipt: files touched and the lines added and deleted in them. */
public record DiffStat(int files, long additions, long deletions) {
  /** Totals over every change, the ones a receipt leaves out included. */
  static DiffStat of(List<FileChange> all) {
    long add = 0;
    long del = 0;
    for (FileChange c : all) {
      add += c.additions() == null ? 0 : c.additions();
      del += c.deletions() == null ? 0 : c.deletions();
    }
    return new DiffStat(all.size(), add, del);
  }
}
