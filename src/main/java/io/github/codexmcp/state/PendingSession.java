package io.github.codexmcp.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Map;

/**
 * What is queued for one session: the latest meta/result/pid document and the buffered event
 * lines. Guarded by its own monitor; every critical section is a few field assignments or one
 * small serialization, so producers never wait on disk.
 */
final class PendingSession {
  /** Buffered event text beyond which new lines are dropped (only reached if the disk stalls). */
  static final int MAX_BUFFERED_CHARS = 16 * 1024 * 1024;

  /** One drained batch, written by the I/O holder. */
  record Batch(String meta, String result, String pid, boolean deletePid, String events, int dropped) {}

  final String id;
  final Path dir;
  private long nextSeq;
  private StringBuilder events = new StringBuilder();
  private ObjectNode meta;
  private String lastMeta; // touched by drain only
  private ObjectNode result;
  private String pid;
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
  synchronized boolean putMeta(ObjectNode doc) {
    meta = doc;
    return markDirty();
  }

  /** Queues the latest result document (serialized by {@link #drain}, like {@link #putMeta}). */
  synchronized boolean putResult(ObjectNode doc) {
    result = doc;
    return markDirty();
  }

  synchronized boolean putPid(String text) {
    pid = text;
    deletePid = text == null;
    return markDirty();
  }

  /** Adds one log line with {@code seq} first; returns whether the session just became dirty. */
  synchronized boolean appendEvent(ObjectNode event) {
    JsonNode s = event.get("seq");
    long seq = s != null && s.isIntegralNumber() ? s.asLong() : nextSeq;
    nextSeq = seq + 1;
    if (events.length() > MAX_BUFFERED_CHARS) {
      dropped++;
      return markDirty();
    }
    // written straight into the buffer: no copy of the event with seq first, no String per line
    try (JsonGenerator g = Json.MAPPER.createGenerator(buffer)) {
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      for (Map.Entry<String, JsonNode> e : event.properties()) {
        if (!e.getKey().equals("seq")) {
          g.writeFieldName(e.getKey());
          JsonNode v = e.getValue();
          if (v.isTextual()) {
            g.writeString(v.textValue()); // type and timestamp: no serializer lookup
          } else {
            g.writeTree(v);
          }
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // appending to a StringBuilder does not fail
    }
    events.append('\n');
    return markDirty();
  }

  /** Appends to whatever {@link #events} currently is (it is replaced by {@link #drain}). */
  private final Writer buffer =
      new Writer() {
        @Override
        public void write(char[] cbuf, int off, int len) {
          events.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
          events.append(str, off, off + len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /**
   * Takes what is queued and serializes the documents (outside the monitor, so producers never
   * wait for it). Only the holder of the store's I/O lock calls this.
   */
  Batch drain() {
    ObjectNode metaDoc;
    ObjectNode resultDoc;
    Batch taken;
    synchronized (this) {
      dirty = false;
      String ev = events.length() == 0 ? null : events.toString();
      if (ev != null) {
        events = new StringBuilder(Math.min(ev.length(), 64 * 1024));
      }
      metaDoc = meta;
      resultDoc = result;
      taken = new Batch(null, null, pid, deletePid, ev, dropped);
      meta = null;
      result = null;
      pid = null;
      deletePid = false;
      dropped = 0;
    }
    String metaText = metaDoc == null ? null : BatchWriter.pretty(metaDoc);
    if (metaText != null && metaText.equals(lastMeta)) {
      metaText = null; // unchanged since the last write
    } else if (metaText != null) {
      lastMeta = metaText;
    }
    String resultText = resultDoc == null ? null : BatchWriter.pretty(resultDoc);
    return new Batch(metaText, resultText, taken.pid(), taken.deletePid(), taken.events(), taken.dropped());
  }

  private boolean markDirty() {
    boolean became = !dirty;
    dirty = true;
    return became;
  }
}
