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
  private String meta;
  private String lastMeta;
  private String result;
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

  /** Returns whether the session just became dirty (so the caller must register it). */
  synchronized boolean putMeta(String text) {
    if (text.equals(lastMeta)) {
      return false;
    }
    lastMeta = text;
    meta = text;
    return markDirty();
  }

  synchronized boolean putResult(String text) {
    result = text;
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
          g.writeTree(e.getValue());
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

  synchronized Batch drain() {
    dirty = false;
    String ev = events.length() == 0 ? null : events.toString();
    if (ev != null) {
      events = new StringBuilder(Math.min(ev.length(), 64 * 1024));
    }
    Batch b = new Batch(meta, result, pid, deletePid, ev, dropped);
    meta = null;
    result = null;
    pid = null;
    deletePid = false;
    dropped = 0;
    return b;
  }

  private boolean markDirty() {
    boolean became = !dirty;
    dirty = true;
    return became;
  }
}
