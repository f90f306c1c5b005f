package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into newline-delimited JSON values.
 *
 * <ul>
 *   <li>Lines are split and parsed as UTF-8 bytes, without decoding them to text first (every
 *       streamed delta of a turn passes here). A line that is not valid UTF-8 is decoded with
 *       malformed bytes replaced by U+FFFD and parsed again from that text.
 *   <li>Each line is trimmed; empty lines and lines not starting with {@code {} or {@code [} are
 *       skipped (banner noise). A line that starts like JSON but does not parse is reported to
 *       {@link Sink#onMalformed}.
 *   <li>Lines longer than the limit (in bytes) are discarded up to the next newline and reported
 *       to {@link Sink#onOversized}; reading continues.
 * </ul>
 *
 * <p>The lines found in the buffer after one read form a batch: {@link Sink#onBatchStart} before the
 * first, {@link Sink#onBatchEnd} after the last (also when a callback throws), so the sink can hand
 * them on together.
 *
 * <p>Threading: {@link #readAll} blocks the calling thread until end of stream; it is meant for
 * one dedicated reader thread. Sink callbacks run on that thread, in stream order.
 */
public final class JsonLineReader {
  /** Default longest accepted line, in bytes (16 MiB). */
  public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

  /** Receives what the reader finds. */
  public interface Sink {
    /** A parsed line: an object, or an array (a batch) — the caller decides what to do with it. */
    void onJson(JsonNode value);

    /** A line starting with {@code {} or {@code [} that is not valid JSON. */
    void onMalformed(String line, Exception cause);

    /** A line exceeded the limit and was dropped; {@code length} is its length so far, in bytes. */
    default void onOversized(long length) {}

    /**
     * The lines up to the next {@link #onBatchEnd()} were already read: no read blocks until then.
     */
    default void onBatchStart() {}

    /** No whole line is left in the buffer: the next line needs a read that may block. */
    default void onBatchEnd() {}
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final ReadCoalescing coalescing;

  public JsonLineReader(InputStream in) {
    this(in, DEFAULT_MAX_LINE_BYTES);
  }

  public JsonLineReader(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, null);
  }

  /** A reader whose reads of a hot stream are spaced by {@code coalescing} (null: never). */
  public JsonLineReader(InputStream in, int maxLineBytes, ReadCoalescing coalescing) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.coalescing = coalescing;
  }

  /**
   * Reads until end of stream, feeding {@code sink}. Returns normally at end of stream; throws when
   * reading fails. Does not close the stream.
   */
  public void readAll(Sink sink) throws IOException {
    ByteLineReader lines = new ByteLineReader(in, maxLineBytes, coalescing);
    boolean inBatch = false;
    try {
      for (int n; (n = lines.next()) != ByteLineReader.END; ) {
        if (!inBatch) {
          sink.onBatchStart();
          inBatch = true;
        }
        if (n == ByteLineReader.TOO_LONG) {
          sink.onOversized(lines.droppedLength());
        } else {
          handle(lines.line(), 0, n, sink);
        }
        if (!lines.lineBuffered()) {
          inBatch = false;
          sink.onBatchEnd();
        }
      }
    } finally {
      if (inBatch) {
        sink.onBatchEnd();
      }
    }
  }

  private static void handle(byte[] bytes, int off, int len, Sink sink) {
    int s = off;
    int e = off + len;
    while (s < e && (bytes[s] & 0xff) <= ' ') {
      s++;
    }
    while (e > s && (bytes[e - 1] & 0xff) <= ' ') {
      e--;
    }
    if (s == e || (bytes[s] != '{' && bytes[s] != '[')) {
      return;
    }
    JsonNode value;
    try {
      value = Json.parse(bytes, s, e - s);
    } catch (IOException invalid) {
      // not JSON, or not UTF-8: parse the text with malformed bytes replaced
      String text = new String(bytes, s, e - s, StandardCharsets.UTF_8);
      try {
        value = Json.TREE_READER.readTree(text);
      } catch (JsonProcessingException notJson) {
        sink.onMalformed(text, notJson);
        return;
      }
    }
    if (value == null || !(value.isObject() || value.isArray())) {
      sink.onMalformed(
          new String(bytes, s, e - s, StandardCharsets.UTF_8),
          new IllegalArgumentException("not a JSON object or array"));
      return;
    }
    sink.onJson(value);
  }
}
