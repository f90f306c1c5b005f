package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes one drained {@link PendingSession.Batch} into the session directory: documents atomically,
 * pid removal, event lines appended. Failures are logged once per session and file and reported to
 * the caller (the store's health); otherwise ignored. Called only by the holder of the store's I/O
 * lock.
 */
final class BatchWriter {
  private final StateFiles files;
  private final FailureLog failures;

  BatchWriter(StateFiles files, FailureLog failures) {
    this.files = files;
    this.failures = failures;
  }

  /** Writes the batch; returns the first failure's description, or null when all was written. */
  String write(PendingSession s, PendingSession.Batch b) {
    try {
      files.createDirectories(s.dir);
    } catch (IOException | RuntimeException e) {
      failures.once(s.id + ":dir", "[state] Failed to create " + s.dir + ": " + describe(e));
      return describe(e);
    }
    String failed = writeDoc(s, "meta.json", b.meta());
    failed = first(failed, writeDoc(s, "result.json", b.result()));
    if (b.deletePid()) {
      try {
        Files.deleteIfExists(s.dir.resolve("pid.json"));
      } catch (IOException | RuntimeException e) {
        failures.once(
            s.id + ":pid-delete",
            "[state] Failed to delete pid.json of " + s.id + ": " + describe(e));
        failed = first(failed, describe(e));
      }
    } else {
      failed = first(failed, writeDoc(s, "pid.json", b.pid()));
    }
    if (b.dropped() > 0) {
      failures.once(
          s.id + ":dropped",
          "[event-log] Dropped " + b.dropped() + " event(s) of " + s.id + ": writer backlog");
    }
    if (b.events() != null) {
      Path log = s.dir.resolve("events.jsonl");
      try {
        files.append(log, ByteBuffer.wrap(b.events()));
      } catch (IOException | RuntimeException e) {
        failures.once(
            s.id + ":events", "[event-log] Failed to flush to " + log + ": " + describe(e));
        failed = first(failed, describe(e));
      }
    }
    return failed;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  /** Writes one document; returns the failure's description, or null. */
  private String writeDoc(PendingSession s, String name, byte[] text) {
    if (text == null) {
      return null;
    }
    Path target = s.dir.resolve(name);
    try {
      files.writeAtomically(target, text);
      return null;
    } catch (IOException | RuntimeException e) {
      failures.once(s.id + ":" + name, "[state] Failed to write " + target + ": " + describe(e));
      return describe(e);
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Document text like {@code JSON.stringify(v, null, 2)} plus a trailing newline, in UTF-8. */
  static byte[] pretty(ObjectNode node) {
    byte[] json = Json.prettyBytes(node);
    byte[] doc = Arrays.copyOf(json, json.length + 1);
    doc[json.length] = '\n';
    return doc;
  }
}
