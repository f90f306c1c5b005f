package io.github.codexmcp.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * What is queued for one session: the latest meta/result/pid document and the buffered event lines.
 * Guarded by its own monitor; every critical section is a few field assignments or one small
 * serialization, so producers never wait on disk.
 */
final class PendingSession {
  /** Buffered event bytes beyond which new lines are dropped (only reached if the disk stalls). */
  static final int MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

  /** A drained buffer larger than this is replaced rather than kept for the next lines. */
  private static final int KEPT_BUFFER_BYTES = 64 * 1024;

  /**
   * One drained batch, written by the I/O holder; {@code events} is UTF-8 JSON lines; {@code
   * metaDoc} and {@code resultDoc} are the documents {@code meta} and {@code result} were made from
   * (kept to queue them again when the write fails).
   */
  record Batch(
      byte[] meta,
      byte[] result,
      byte[] pid,
      boolean deletePid,
      byte[] events,
      int dropped,
      ObjectNode metaDoc,
      ObjectNode resultDoc) {}

  final String id;
  final Path dir;
  private long nextSeq;
  private final LineBuffer events = new LineBuffer();
  private JsonGenerator generator; // writes into events; dropped when a write fails
  private ObjectNode meta;
  private byte[] lastMeta; // touched by drain and requeue only (both under the store's I/O lock)
  private boolean metaQueued;
  private ObjectNode result;
  private byte[] pid;
  private boolean deletePid;
  private boolean dirty;
  private int dropped;

  PendingSession(String id, Path dir) {
    this.id = id;
    this.dir = dir;
  }

  synchronized void continueAt(long seq) {
    nextSeq = Math.max(nextSeq, seq);
  }

  /**
   * Queues the latest meta document; returns whether the session just became dirty (so the caller
   * must register it). Documents are serialized by {@link #drain} on the writer thread, not by the
   * threads that report changes (the app-server reader between two requests to Codex, among
   * others); a document equal to the last one written is dropped there. The caller hands the node
   * over and must not modify it.
   */
  /** Whether no meta was queued for this session before; marks it queued. */
  synchronized boolean firstMeta() {
    boolean first = !metaQueued;
    metaQueued = true;
    return first;
  }

  synchronized boolean putMeta(ObjectNode doc) {
    meta = doc;
    return markDirty();
  }

  /** Queues the latest result document (serialized by {@link #drain}, like {@link #putMeta}). */
  synchronized boolean putResult(ObjectNode doc) {
    result = doc;
    return markDirty();
  }

  synchronized boolean putPid(byte[] text) {
    pid = text;
    deletePid = text == null;
    return markDirty();
  }

  /** Adds one log line with {@code seq} first; returns whether the session just became dirty. */
  synchronized boolean appendEvent(ObjectNode event) {
    JsonNode s = event.get("seq");
    long seq = s != null && s.isIntegralNumber() ? s.asLong() : nextSeq;
    return appendLine(
        seq,
        g -> {
          for (Map.Entry<String, JsonNode> e : event.properties()) {
            if (!e.getKey().equals("seq")) {
              g.writeFieldName(e.getKey());
              write(g, e.getValue());
            }
          }
        });
  }

  /**
   * Adds the log line {@code {seq, type, data, timestamp}} with the next seq, from the event's
   * parts: the same line as {@link #appendEvent(ObjectNode)} of an object holding them, without
   * building one per event.
   */
  synchronized boolean appendEvent(String type, JsonNode data, String timestamp) {
    return appendLine(
        nextSeq,
        g -> {
          g.writeStringField("type", type);
          g.writeFieldName("data");
          write(g, data);
          g.writeStringField("timestamp", timestamp);
        });
  }

  /** What a log line holds after its {@code seq}. */
  private interface LineBody {
    void write(JsonGenerator g) throws IOException;
  }

  private boolean appendLine(long seq, LineBody body) {
    nextSeq = seq + 1;
    if (events.size() > MAX_BUFFERED_BYTES) {
      dropped++;
      return markDirty();
    }
    // written straight into the buffer as UTF-8 by one generator kept for the session: no copy of
    // the event with seq first, no String, no generator set-up per line
    int lineStart = events.size();
    try {
      JsonGenerator g = generator();
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      body.write(g);
      g.writeEndObject();
      g.writeRaw('\n');
      g.flush(); // the whole line is in the buffer: a later failure cannot leave half of it
    } catch (IOException | RuntimeException e) {
      // a value that cannot be written (or a bug): no partial line, and a fresh generator next time
      generator = null;
      events.truncate(lineStart);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return markDirty();
  }

  /**
   * Writes a tree with plain generator calls, as {@code ObjectNode.serialize} would with default
   * settings, without going through data binding (a serializer provider per call); node kinds with
   * configurable output (big decimals, binary, POJOs) still go through {@code writeTree}.
   */
  private static void write(JsonGenerator g, JsonNode v) throws IOException {
    switch (v.getNodeType()) {
      case STRING:
        g.writeString(v.textValue());
        return;
      case OBJECT:
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
        return;
      case ARRAY:
        g.writeStartArray();
        for (JsonNode item : v) {
          write(g, item);
        }
        g.writeEndArray();
        return;
      case BOOLEAN:
        g.writeBoolean(v.booleanValue());
        return;
      case NULL:
        g.writeNull();
        return;
      case NUMBER:
        if (v.isInt()) {
          g.writeNumber(v.intValue());
          return;
        }
        if (v.isLong()) {
          g.writeNumber(v.longValue());
          return;
        }
        break;
      default:
        break;
    }
    g.writeTree(v);
  }

  /** The generator writing into {@link #events}; lines are separated by the '\n' written above. */
  private JsonGenerator generator() throws IOException {
    if (generator == null) {
      generator = Json.utf8Generator(events);
      generator.setRootValueSeparator(null);
    }
    return generator;
  }

  /**
   * Takes what is queued and serializes the documents (outside the monitor, so producers never wait
   * for it). Only the holder of the store's I/O lock calls this.
   */
  Batch drain() {
    ObjectNode metaDoc;
    ObjectNode resultDoc;
    byte[] pidDoc;
    boolean removePid;
    byte[] lines;
    int droppedLines;
    synchronized (this) {
      dirty = false;
      lines = events.size() == 0 ? null : events.toByteArray();
      events.clear();
      metaDoc = meta;
      resultDoc = result;
      pidDoc = pid;
      removePid = deletePid;
      droppedLines = dropped;
      meta = null;
      result = null;
      pid = null;
      deletePid = false;
      dropped = 0;
    }
    byte[] metaText = metaDoc == null ? null : BatchWriter.pretty(metaDoc);
    if (metaText != null && Arrays.equals(metaText, lastMeta)) {
      metaText = null; // unchanged since the last write
    } else if (metaText != null) {
      lastMeta = metaText;
    }
    byte[] resultText = resultDoc == null ? null : BatchWriter.pretty(resultDoc);
    return new Batch(
        metaText, resultText, pidDoc, removePid, lines, droppedLines, metaDoc, resultDoc);
  }

  /**
   * Queues again what of {@code b} did not reach the disk, unless something newer was queued since:
   * the documents, the pid change, and the event lines ahead of any queued after them. Returns
   * whether the session just became dirty. Only the holder of the I/O lock calls this.
   */
  synchronized boolean requeue(Batch b, BatchWriter.Failed failed) {
    if (failed.meta() && b.metaDoc() != null) {
      lastMeta = null; // not on disk: the next drain must write it even if unchanged
      if (meta == null) {
        meta = b.metaDoc();
      }
    }
    if (failed.result() && b.resultDoc() != null && result == null) {
      result = b.resultDoc();
    }
    if (failed.pid() && pid == null && !deletePid) {
      pid = b.pid();
      deletePid = b.deletePid();
    }
    if (failed.events() && b.events() != null) {
      if (events.size() + b.events().length > MAX_BUFFERED_BYTES) {
        dropped += countLines(b.events());
      } else {
        events.prepend(b.events());
      }
    }
    return markDirty();
  }

  private static int countLines(byte[] lines) {
    int n = 0;
    for (byte c : lines) {
      if (c == '\n') {
        n++;
      }
    }
    return n;
  }

  private boolean markDirty() {
    boolean became = !dirty;
    dirty = true;
    return became;
  }

  /** The buffered log lines; guarded by the session's monitor. */
  private static final class LineBuffer extends java.io.ByteArrayOutputStream {
    LineBuffer() {
      super(1024);
    }

    /** Puts {@code lines} before the current content. */
    void prepend(byte[] lines) {
      byte[] rest = toByteArray();
      reset();
      write(lines, 0, lines.length);
      write(rest, 0, rest.length);
    }

    /** Cuts the content back to its first {@code size} bytes. */
    void truncate(int size) {
      count = size;
    }

    /** Empties the buffer, dropping an array that grew past {@link #KEPT_BUFFER_BYTES}. */
    void clear() {
      count = 0;
      if (buf.length > KEPT_BUFFER_BYTES) {
        buf = new byte[1024];
      }
    }
  }
}
