package io.github.codexmcp.util;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A byte buffer meant to be filled and emptied many times: serialization targets that would
 * otherwise allocate a new array (and its growth copies) for every message. Not thread-safe beyond
 * what {@link ByteArrayOutputStream} gives; callers own one per thread or guard it.
 */
public final class ReusableBytes extends ByteArrayOutputStream {
  private final int initial;
  private final int keepAtMost;

  /**
   * @param initial starting capacity, and the capacity after a {@link #clear} that dropped a large
   *     array
   * @param keepAtMost an array grown past this is not kept by {@link #clear}
   */
  public ReusableBytes(int initial, int keepAtMost) {
    super(initial);
    this.initial = initial;
    this.keepAtMost = keepAtMost;
  }

  /** Cuts the content back to its first {@code size} bytes. */
  public synchronized void truncate(int size) {
    if (size < 0 || size > count) {
      throw new IllegalArgumentException("size " + size + " outside 0.." + count);
    }
    count = size;
  }

  /**
   * Appends {@code json} (UTF-8 JSON text) without the whitespace outside its strings: the compact
   * form of an indented document. Inside strings JSON has no raw whitespace to lose but the
   * characters themselves, which are copied as they are.
   */
  public synchronized void appendCompact(byte[] json) {
    int len = json.length;
    reserve(len);
    byte[] dst = buf;
    int n = count;
    int i = 0;
    while (i < len) {
      byte c = json[i++];
      if (c == '"') {
        int run = i - 1;
        while (i < len) {
          byte d = json[i];
          if (d == '"') {
            break;
          }
          i += d == '\\' ? 2 : 1;
        }
        i = Math.min(i + 1, len);
        System.arraycopy(json, run, dst, n, i - run);
        n += i - run;
      } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        dst[n++] = c;
      }
    }
    count = n;
  }

  /** Appends {@code text} (UTF-8) escaped as the inside of a JSON string ({@link JsonEscape}). */
  public synchronized void appendJsonStringContent(byte[] text) {
    int chunk = 4096;
    for (int from = 0; from < text.length; from += chunk) {
      int to = Math.min(text.length, from + chunk);
      reserve((to - from) * JsonEscape.MAX_EXPANSION);
      count = JsonEscape.escape(text, from, to, buf, count);
    }
  }

  /** Makes room for {@code more} bytes past the content. */
  private void reserve(int more) {
    if (buf.length - count < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }
  }

  /** Empties the buffer, dropping an array that grew past the limit. */
  public synchronized void clear() {
    count = 0;
    if (buf.length > keepAtMost) {
      buf = new byte[initial];
    }
  }
}
