package io.github.codexmcp.jsonrpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding them: each line without its newline and a
 * carriage return before it, at most {@code maxLineBytes} long (a longer line is skipped whole and
 * reported as {@link #TOO_LONG}). Blocks in {@link #next}; not thread-safe.
 */
public final class ByteLineReader {
  /** {@link #next} at the end of the stream. */
  public static final int END = -1;

  /** {@link #next} for a line longer than the limit; {@link #droppedLength} tells how long. */
  public static final int TOO_LONG = -2;

  private static final int KEPT_LINE_BYTES = 1024 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private final ReadCoalescing coalescing;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;
  private byte[] line = new byte[1024];
  private long droppedLength;

  public ByteLineReader(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, null);
  }

  /** A reader whose reads of a hot stream are spaced by {@code coalescing} (null: never). */
  public ByteLineReader(InputStream in, int maxLineBytes, ReadCoalescing coalescing) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.coalescing = coalescing;
  }

  /** The current line's bytes, valid up to the length {@link #next} returned. */
  public byte[] line() {
    return line;
  }

  /** Length of the line {@link #next} last reported as {@link #TOO_LONG}, its newline excluded. */
  public long droppedLength() {
    return droppedLength;
  }

  /** Whether a whole line is already buffered, so {@link #next} will not block. */
  public boolean lineBuffered() {
    for (int i = pos; i < end; i++) {
      if (buf[i] == '\n') {
        return true;
      }
    }
    return false;
  }

  /** The next line's length, {@link #END}, or {@link #TOO_LONG}. */
  public int next() throws IOException {
    if (line.length > KEPT_LINE_BYTES) {
      line = new byte[1024]; // a huge line's buffer is not kept for the next, usually small, ones
    }
    long total = 0;
    int len = 0;
    while (true) {
      if (pos == end) {
        if (coalescing != null) {
          coalescing.beforeRead();
        }
        end = in.read(buf, 0, buf.length);
        pos = 0;
        if (coalescing != null) {
          coalescing.afterRead(end == buf.length);
        }
        if (end <= 0) {
          end = 0;
          if (total > maxLineBytes) {
            droppedLength = total;
            return TOO_LONG;
          }
          return len > 0 ? trimCr(len) : END;
        }
      }
      int start = pos;
      while (pos < end && buf[pos] != '\n') {
        pos++;
      }
      int chunk = pos - start;
      total += chunk;
      if (total <= maxLineBytes) {
        if (len + chunk > line.length) {
          line =
              Arrays.copyOf(
                  line, (int) Math.max(len + chunk, Math.min(line.length * 2L, maxLineBytes)));
        }
        System.arraycopy(buf, start, line, len, chunk);
        len += chunk;
      }
      if (pos < end) { // at the newline
        pos++;
        if (total > maxLineBytes) {
          droppedLength = total;
          return TOO_LONG;
        }
        return trimCr(len);
      }
    }
  }

  private int trimCr(int len) {
    return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
  }
}
