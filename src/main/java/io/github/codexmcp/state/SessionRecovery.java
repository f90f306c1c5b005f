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
 * directories with foreign names are ignored; in a session this server owns, a missing, oversized,
 * truncated or corrupt {@code meta.json} or {@code result.json} is rebuilt from the event log where
 * it can be and what cannot be is listed with the session ({@link DamageRepair}); a session with
 * nothing to rebuild its meta from, or another server's with an unreadable meta, is skipped; a
 * damaged {@code pid.json} reads as null. Also removes leftover {@code .tmp-*} files, repairs torn
 * event-log tails and tightens permissions. Runs under the store's I/O lock.
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
      Document metaDoc = readDocument(dir.resolve("meta.json"), MAX_META_BYTES);
      JsonNode metaNode = metaDoc.node();
      if (metaNode == null && !owned) {
        LOG.warn("[recovery] Skipping {}: meta.json {}", name, metaDoc.problem());
        return null;
      }
      JsonNode v = metaNode == null ? null : metaNode.get("schemaVersion");
      if (v != null && v.isNumber() && v.asDouble() > PersistedMeta.SCHEMA_VERSION) {
        LOG.warn("[recovery] Skipping session {}: schema version {} > 1", name, v.asText());
        return null;
      }
      if (v != null && !(v.isIntegralNumber() && v.asInt() == PersistedMeta.SCHEMA_VERSION)) {
        LOG.warn("[recovery] Skipping session {}: unknown schema version {}", name, v);
        return null;
      }
      PersistedMeta stored = metaNode == null ? null : PersistedMeta.fromJson(metaNode);
      if (metaNode != null && (stored == null || !stored.sessionId().equals(name))) {
        LOG.warn("[recovery] Skipping {}: meta.json has no matching sessionId", name);
        return null;
      }
      if (owned) {
        cleanTempFiles(dir);
      }
      EventLogTail.Tail tail = readEvents(dir, name, owned);
      if (tail.skippedLines() > 0) {
        LOG.warn(
            "[recovery] Session {}: skipped {} unreadable event line(s)",
            name,
            tail.skippedLines());
      }
      Document resultDoc = readDocument(dir.resolve("result.json"), MAX_RESULT_BYTES);
      ObjectNode result = resultDoc.node() instanceof ObjectNode o ? o : null;
      PidRecord pid = PidRecord.fromJson(readJson(dir.resolve("pid.json"), MAX_PID_BYTES));
      if (!owned) { // driven by another server, which may be writing it now: read as it is
        return new RecoveredSession(
            name, stored, stored.status(), tail.events(), tail.lastSeq(), result, pid, dir);
      }
      DamageRepair.Repaired repaired =
          DamageRepair.repair(
              new DamageRepair.Found(
                  name,
                  stored,
                  metaDoc.problem(),
                  result,
                  "missing".equals(resultDoc.problem()) ? null : resultDoc.problem(),
                  tail.events()));
      if (repaired == null) {
        LOG.warn(
            "[recovery] Skipping {}: meta.json {}, nothing to rebuild it from",
            name,
            metaDoc.problem());
        return null;
      }
      for (String d : repaired.damage()) {
        LOG.warn("[recovery] Session {}: {}", name, d);
      }
      tighten(dir);
      PersistedMeta meta = repaired.meta();
      return new RecoveredSession(
          name,
          RecoveredSession.applyRestartRule(meta),
          stored != null ? stored.status() : meta.status(),
          tail.events(),
          tail.lastSeq(),
          repaired.result(),
          pid,
          dir,
          repaired.damage(),
          repaired.metaRebuilt());
    } catch (RuntimeException e) {
      LOG.warn("[recovery] Skipping {}: {}", name, e.toString());
      return null;
    }
  }

  /**
   * A document as read: its JSON object, or null and the reason it is unusable ({@code missing}
   * when absent); {@code problem} is null for a whole document.
   */
  record Document(JsonNode node, String problem) {}

  /** Reads a JSON object document and, when unusable, says why. */
  static Document readDocument(Path file, long maxBytes) {
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return new Document(null, "missing");
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return new Document(null, "is not a regular file");
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        return new Document(null, "too large (" + size + " bytes)");
      }
      if (size == 0) {
        return new Document(null, "empty");
      }
      JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
      if (n == null || !n.isObject()) {
        return new Document(null, "not a JSON object");
      }
      return new Document(n, null);
    } catch (IOException e) {
      return new Document(
          null, "unreadable (truncated or not JSON: " + e.getClass().getSimpleName() + ")");
    } catch (RuntimeException e) {
      return new Document(null, "unreadable (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The log's last events; a session another server drives is only read, never repaired. */
  private static EventLogTail.Tail readEvents(Path dir, String name, boolean owned) {
    try {
      return EventLogTail.read(dir.resolve("events.jsonl"), RecoveredSession.MAX_EVENTS, owned);
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
