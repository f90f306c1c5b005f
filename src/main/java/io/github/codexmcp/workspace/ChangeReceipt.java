package io.github.codexmcp.workspace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a turn changed: at most {@link #MAX_ENTRIES} changes sorted by path, {@code truncated} when
 * more were found, and totals over all of them.
 */
public record ChangeReceipt(List<FileChange> changes, boolean truncated, DiffStat stat) {
  /** Most entries a receipt lists. */
  public static final int MAX_ENTRIES = 500;

  public static final ChangeReceipt EMPTY =
      new ChangeReceipt(List.of(), false, new DiffStat(0, 0, 0));

  public ChangeReceipt {
    changes = List.copyOf(changes);
  }

  /** A receipt of {@code all} changes: sorted by path, totals over all, the list bounded. */
  public static ChangeReceipt of(List<FileChange> all) {
    if (all.isEmpty()) {
      return EMPTY;
    }
    List<FileChange> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(FileChange::path));
    DiffStat stat = DiffStat.of(sorted);
    boolean truncated = sorted.size() > MAX_ENTRIES;
    return new ChangeReceipt(truncated ? sorted.subList(0, MAX_ENTRIES) : sorted, truncated, stat);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}
