package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup scan of {@code sessions/} (spec 40 §6). Tolerates everything: files, symbolic links and
 * directories with foreign names are ignored; missing, oversized, truncated or corrupt documents
 * skip the session (meta) or read as null (result, pid). Also removes leftover {@code .tmp-*}
 * files, repairs torn event-log tails and tightens permissions. Runs under the store's I/O lock.
 */
final class SessionRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecovery.class);
  static final long MAX_META_BYTES = 1024 * 1024;
  static final long MAX_PID_BYTES = 64 * 1024;
  static final long MAX_RESULT_BYTES = 64L * 1024 * 1024;

  private final StateFiles files;

  SessionRecovery(StateFiles files) {
    this.files = files;
  }

  List<RecoveredSession> scan(Path sessionsDir) {
    return scan(sessionsDir, id -> true);
  }

  /**
   * Every readable session under {@code sessionsDir}. {@code owned} is asked once per valid session
   * id: sessions it refuses are driven by another server, so they are read as they are (no restart
   * rule, their temp files left alone: one may be a write in flight).
   */
  List<RecoveredSession> scan(Path sessionsDir, Predicate<String> owned) {
    List<RecoveredSession> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(sessionsDir)) {
      for (Path dir : ds) {
        String name = dir.getFileName().toString();
        boolean mine = !SessionIds.isValid(name) || owned.test(name);
        RecoveredSession r = recoverOne(dir, mine);
        if (r != null) {
          out.add(r);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("[recovery] Cannot list {}: {}", sessionsDir, e.toString());
    }
    out.sort((a, b) -> a.sessionId().compareTo(b.sessionId()));
    return out;
  }

  /**
   * Reads one session directory; {@code owned} applies the restart rule and cleans its temp files.
   * Null when it is not a readable session.
   */
  RecoveredSession recoverOne(Path dir, boolean owned) {
    String name = dir.getFileName().toString();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !SessionIds.isValid(name)) {
      return null; // foreign file, link or directory: leave it alone
    }
    try {
      JsonNode metaNode = readJson(dir.resolve("meta.json"), MAX_META_BYTES);
      if (metaNode == null) {
        LOG.warn("[recovery] Skipping {}: meta.json missing or unreadable", name);
        return null;
      }
      JsonNode v = metaNode.get("schemaVersion");
      if (v != null && v.isNumber() && v.asDouble() > PersistedMeta.SCHEMA_VERSION) {
        LOG.warn("[recovery] Skipping session {}: schema version {} > 1", name, v.asText());
        return null;
      }
      if (v != null && !(v.isIntegralNumber() && v.asInt() == PersistedMeta.SCHEMA_VERSION)) {
        LOG.warn("[recovery] Skipping session {}: unknown schema version {}", name, v);
        return null;
      }
      PersistedMeta stored = PersistedMeta.fromJson(metaNode);
      if (stored == null || !stored.sessionId().equals(name)) {
        LOG.warn("[recovery] Skipping {}: meta.json has no matching sessionId", name);
        return null;
      }
      if (owned) {
        cleanTempFiles(dir);
      }
      EventLogTail.Tail tail = readEvents(dir, name);
      if (tail.skippedLines() > 0) {
        LOG.warn(
            "[recovery] Session {}: skipped {} unreadable event line(s)",
            name,
            tail.skippedLines());
      }
      JsonNode result = readJson(dir.resolve("result.json"), MAX_RESULT_BYTES);
      PidRecord pid = PidRecord.fromJson(readJson(dir.resolve("pid.json"), MAX_PID_BYTES));
      if (owned) {
        tighten(dir);
      }
      return new RecoveredSession(
          name,
          owned ? RecoveredSession.applyRestartRule(stored) : stored,
          stored.status(),
          tail.events(),
          tail.lastSeq(),
          result instanceof ObjectNode o ? o : null,
          pid,
          dir);
    } catch (RuntimeException e) {
      LOG.warn("[recovery] Skipping {}: {}", name, e.toString());
      return null;
    }
  }

  private static EventLogTail.Tail readEvents(Path dir, String name) {
    try {
      return EventLogTail.read(dir.resolve("events.jsonl"), RecoveredSession.MAX_EVENTS);
    } catch (IOException | RuntimeException e) {
      LOG.warn("[recovery] Session {}: events.jsonl unreadable: {}", name, e.toString());
      return new EventLogTail.Tail(List.of(), -1, 0);
    }
  }

  /** Parsed JSON object, or null when missing, too large, unparseable or not an object. */
  static JsonNode readJson(Path file, long maxBytes) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > maxBytes) {
        return null;
      }
      JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
      return n != null && n.isObject() ? n : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void cleanTempFiles(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, StateFiles.TMP_PREFIX + "*")) {
      for (Path p : ds) {
        Files.deleteIfExists(p); // crash residue of an interrupted atomic write
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("[recovery] Cannot remove temp files in {}: {}", dir, e.toString());
    }
  }

  private void tighten(Path dir) {
    files.restrict(dir, true);
    for (String f : new String[] {"meta.json", "pid.json", "result.json", "events.jsonl"}) {
      Path p = dir.resolve(f);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        files.restrict(p, false);
      }
    }
  }
}
