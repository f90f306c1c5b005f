package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into newline-delimited JSON values.
 *
 * <ul>
 *   <li>UTF-8 is decoded by a streaming decoder, so a multi-byte character split across two reads
 *       is decoded correctly; malformed bytes become U+FFFD.
 *   <li>Each line is trimmed; empty lines and lines not starting with {@code {} or {@code [} are
 *       skipped (banner noise). A line that starts like JSON but does not parse is reported to
 *       {@link Sink#onMalformed}.
 *   <li>Lines longer than the limit are discarded up to the next newline and reported to {@link
 *       Sink#onOversized}; reading continues.
 * </ul>
 *
 * <p>Threading: {@link #readAll} blocks the calling thread until end of stream; it is meant for
 * one dedicated reader thread. Sink callbacks run on that thread, in stream order.
 */
public final class JsonLineReader {
  /** Default longest accepted line, in characters (16 MiB). */
  public static final int DEFAULT_MAX_LINE_CHARS = 16 * 1024 * 1024;

  /** Receives what the reader finds. */
  public interface Sink {
    /** A parsed line: an object, or an array (a batch) — the caller decides what to do with it. */
    void onJson(JsonNode value);

    /** A line starting with {@code {} or {@code [} that is not valid JSON. */
    void onMalformed(String line, Exception cause);

    /** A line exceeded the limit and was dropped; {@code length} is its length so far. */
    default void onOversized(long length) {}
  }

  private final Reader reader;
  private final int maxLineChars;

  public JsonLineReader(InputStream in) {
    this(in, DEFAULT_MAX_LINE_CHARS);
  }

  public JsonLineReader(InputStream in, int maxLineChars) {
    this.reader =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    this.maxLineChars = maxLineChars;
  }

  /**
   * Reads until end of stream, feeding {@code sink}. Returns normally at end of stream; throws
   * when reading fails. Does not close the stream.
   */
  public void readAll(Sink sink) throws IOException {
    char[] buf = new char[8192];
    StringBuilder line = new StringBuilder();
    long dropped = -1;
    int n;
    while ((n = reader.read(buf)) >= 0) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          continue;
        }
        if (dropped < 0 && line.length() + (i - start) > maxLineChars) {
          dropped = line.length();
          line.setLength(0);
        }
        if (dropped >= 0) {
          sink.onOversized(dropped + (i - start));
          dropped = -1;
        } else {
          line.append(buf, start, i - start);
          handle(line, sink);
        }
        line.setLength(0);
        start = i + 1;
      }
      int rest = n - start;
      if (dropped >= 0) {
        dropped += rest;
      } else if (line.length() + rest > maxLineChars) {
        dropped = line.length() + (long) rest;
        line.setLength(0);
      } else {
        line.append(buf, start, rest);
      }
    }
    if (dropped >= 0) {
      sink.onOversized(dropped);
    } else {
      handle(line, sink);
    }
  }

  private static void handle(StringBuilder raw, Sink sink) {
    String line = raw.toString().trim();
    if (line.isEmpty()) {
      return;
    }
    char first = line.charAt(0);
    if (first != '{' && first != '[') {
      return;
    }
    JsonNode value;
    try {
      value = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      sink.onMalformed(line, e);
      return;
    }
    if (value == null || !(value.isObject() || value.isArray())) {
      sink.onMalformed(line, new IllegalArgumentException("not a JSON object or array"));
      return;
    }
    sink.onJson(value);
  }
}
