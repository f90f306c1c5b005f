package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes one drained {@link PendingSession.Batch} into the session directory, in the order that
 * keeps the documents honest: event lines appended first, then {@code result.json}, {@code
 * pid.json}, and {@code meta.json} last, and only when the events and result of the batch reached
 * the disk. A stored status is so never ahead of the log and result it stands for (after a full
 * disk, a restart would otherwise read a finished session as one still running, or the reverse).
 * Failures are logged once per session and file and reported to the caller (the store's health);
 * {@link #flush} queues what failed again ({@link PendingSession#requeue}) so that the store can
 * retry it. Called only by the holder of the store's I/O lock.
 */
final class BatchWriter {
  /** The parts of a batch that did not reach the disk, and the first failure's description. */
  record Failed(boolean events, boolean result, boolean pid, boolean meta, String error) {
    static final Failed NONE = new Failed(false, false, false, false, null);

    boolean any() {
      return events || result || pid || meta;
    }
  }

  private final StateFiles files;
  private final FailureLog failures;

  BatchWriter(StateFiles files, FailureLog failures) {
    this.files = files;
    this.failures = failures;
  }

  /**
   * Drains {@code s}, writes the batch, reports the outcome to {@code health} and queues again what
   * failed. Returns whether everything was written.
   */
  boolean flush(PendingSession s, WriteHealth health) {
    PendingSession.Batch b = s.drain();
    Failed failed = write(s, b);
    health.afterBatch(failed.error());
    if (failed.any()) {
      s.requeue(b, failed);
    }
    return !failed.any();
  }

  Failed write(PendingSession s, PendingSession.Batch b) {
    try {
      files.createDirectories(s.dir);
    } catch (IOException | RuntimeException e) {
      failures.once(s.id + ":dir", "[state] Failed to create " + s.dir + ": " + describe(e));
      return new Failed(
          b.events() != null,
          b.result() != null,
          b.pid() != null || b.deletePid(),
          b.meta() != null,
          describe(e));
    }
    if (b.dropped() > 0) {
      failures.once(
          s.id + ":dropped",
          "[event-log] Dropped " + b.dropped() + " event(s) of " + s.id + ": writer backlog");
    }
    String eventsError = null;
    if (b.events() != null) {
      Path log = s.dir.resolve("events.jsonl");
      try {
        files.append(log, ByteBuffer.wrap(b.events()));
      } catch (IOException | RuntimeException e) {
        eventsError = describe(e);
        failures.once(
            s.id + ":events", "[event-log] Failed to flush to " + log + ": " + eventsError);
      }
    }
    String resultError = writeDoc(s, "result.json", b.result());
    String pidError = null;
    if (b.deletePid()) {
      try {
        Files.deleteIfExists(s.dir.resolve("pid.json"));
      } catch (IOException | RuntimeException e) {
        pidError = describe(e);
        failures.once(
            s.id + ":pid-delete", "[state] Failed to delete pid.json of " + s.id + ": " + pidError);
      }
    } else {
      pidError = writeDoc(s, "pid.json", b.pid());
    }
    String metaError;
    if (b.meta() != null && (eventsError != null || resultError != null)) {
      metaError = "held back"; // its status must not get ahead of what it depends on
    } else {
      metaError = writeDoc(s, "meta.json", b.meta());
    }
    if (eventsError == null && resultError == null && pidError == null && metaError == null) {
      return Failed.NONE;
    }
    String first = eventsError != null ? eventsError : resultError != null ? resultError : pidError;
    return new Failed(
        eventsError != null,
        resultError != null,
        pidError != null,
        metaError != null,
        first != null ? first : metaError);
  }

  /** Writes one document atomically; returns the failure's description, or null. */
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
