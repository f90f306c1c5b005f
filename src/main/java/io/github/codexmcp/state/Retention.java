package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup pruning of old session directories (spec 40 §9). Only directories named like session ids
 * are considered; foreign entries are never removed. Runs under the store's I/O lock.
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private record Entry(String id, Path dir, long ageKeyMillis, long bytes) {}

  private Retention() {}

  /** Removes what the policy rejects; returns the ids whose directories were removed. */
  static List<String> prune(Path sessionsDir, RetentionPolicy policy, long nowMillis) {
    return prune(sessionsDir, policy, nowMillis, id -> true);
  }

  /**
   * As {@link #prune(Path, RetentionPolicy, long)}, but a session is only removed when {@code
   * mayDelete} agrees (another server may be driving it).
   */
  static List<String> prune(
      Path sessionsDir,
      RetentionPolicy policy,
      long nowMillis,
      java.util.function.Predicate<String> mayDelete) {
    List<Entry> entries = list(sessionsDir);
    entries.sort(Comparator.comparingLong(Entry::ageKeyMillis).thenComparing(Entry::id));
    List<Entry> doomed = new ArrayList<>();
    List<Entry> kept = new ArrayList<>();
    long cutoff = nowMillis - policy.maxAge().toMillis();
    for (Entry e : entries) {
      (e.ageKeyMillis() < cutoff ? doomed : kept).add(e);
    }
    while (kept.size() > policy.maxSessions()) {
      doomed.add(kept.remove(0));
    }
    long total = kept.stream().mapToLong(Entry::bytes).sum();
    while (total > policy.maxTotalBytes() && !kept.isEmpty()) {
      Entry e = kept.remove(0);
      total -= e.bytes();
      doomed.add(e);
    }
    List<String> removed = new ArrayList<>();
    for (Entry e : doomed) {
      if (!mayDelete.test(e.id())) {
        continue;
      }
      try {
        if (StateFiles.deleteRecursively(e.dir())) {
          removed.add(e.id());
        }
      } catch (IOException | RuntimeException ex) {
        LOG.warn("[retention] Failed to remove {}: {}", e.dir(), ex.toString());
      }
    }
    return removed;
  }

  private static List<Entry> list(Path sessionsDir) {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(sessionsDir)) {
      for (Path dir : ds) {
        String name = dir.getFileName().toString();
        if (SessionIds.isValid(name) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new Entry(name, dir, ageKey(dir), size(dir)));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("[retention] Cannot list {}: {}", sessionsDir, e.toString());
    }
    return out;
  }

  /** meta.lastActiveAt, else meta.createdAt, else the directory mtime, else 0. */
  static long ageKey(Path dir) {
    JsonNode meta =
        SessionRecovery.readJson(dir.resolve("meta.json"), SessionRecovery.MAX_META_BYTES);
    for (String field : new String[] {"lastActiveAt", "createdAt"}) {
      var t = PidRecord.parseInstant(Json.text(meta, field));
      if (t != null) {
        return t.toEpochMilli();
      }
    }
    try {
      return Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long size(Path dir) {
    try {
      return StateFiles.sizeRecursively(dir);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
