package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a session that another server may be writing right now, changing nothing on disk: the
 * documents are replaced atomically, so each read sees a whole one; the event log is read up to its
 * last whole line (a line still being appended is left for the next read). Stateless; any thread;
 * blocks on the disk (never call it with a lock held).
 */
final class ForeignReads {
  private static final Logger LOG = LoggerFactory.getLogger(ForeignReads.class);

  private ForeignReads() {}

  /**
   * The session in {@code dir}: whole when {@code since} is null (or the log no longer continues
   * where {@code since} ended), else what changed after it. Null when the directory holds no
   * readable session (gone, not written yet, another schema).
   */
  static DiskUpdate read(Path dir, DiskStamp since) {
    DiskStamp now = DiskStamp.of(dir, 0); // looked at first: a change while reading shows later
    if (now == null || now == DiskStamp.UNREADABLE) {
      return null;
    }
    String name = dir.getFileName().toString();
    PersistedMeta meta = meta(dir, name);
    if (meta == null) {
      return null;
    }
    Path log = dir.resolve("events.jsonl");
    EventLogTail.Tail tail = null;
    try {
      if (since != null) {
        tail = EventLogTail.readFrom(log, since.eventsEnd());
      }
      if (tail == null) {
        tail = EventLogTail.read(log, RecoveredSession.MAX_EVENTS, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("[state] Cannot read the event log of {}: {}", name, e.toString());
      return null; // tried again on the next change
    }
    // result.json is looked at after meta.json was read: a server writes the result before the
    // status that stands for it, so a meta that says idle comes with its result
    DiskStamp.FileMark resultMark;
    try {
      resultMark = DiskStamp.FileMark.of(dir.resolve("result.json"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    boolean whole = since == null || tail.whole();
    boolean readResult = whole || !since.result().equals(resultMark);
    ObjectNode result = null;
    if (readResult) {
      JsonNode r =
          SessionRecovery.readDocument(dir.resolve("result.json"), SessionRecovery.MAX_RESULT_BYTES)
              .node();
      result = r instanceof ObjectNode o ? o : null;
    }
    return new DiskUpdate(
        meta,
        result,
        readResult,
        tail.events(),
        whole,
        new DiskStamp(now.meta(), resultMark, now.eventsSize(), tail.end()));
  }

  private static PersistedMeta meta(Path dir, String name) {
    JsonNode node =
        SessionRecovery.readDocument(dir.resolve("meta.json"), SessionRecovery.MAX_META_BYTES)
            .node();
    JsonNode v = node == null ? null : node.get("schemaVersion");
    if (v != null && !(v.isIntegralNumber() && v.asInt() == PersistedMeta.SCHEMA_VERSION)) {
      return null;
    }
    PersistedMeta m = node == null ? null : PersistedMeta.fromJson(node);
    return m != null && name.equals(m.sessionId()) ? m : null;
  }
}
