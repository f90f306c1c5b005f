package io.github.codexmcp.util;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte buffer meant to be filled and emptied many times: serialization targets that would
 * otherwise allocate a new array (and its growth copies) for every message. Not thread-safe beyond
 * what {@link ByteArrayOutputStream} gives; callers own one per thread or guard it.
 */
public final class ReusableBytes extends ByteArrayOutputStream {
  private final int initial;
  private final int keepAtMost;

  /**
   * @param initial starting capacity, and the capacity after a {@link #clear} that dropped a
   *     large array
   * @param keepAtMost an array grown past this is not kept by {@link #clear}
   */
  public ReusableBytes(int initial, int keepAtMost) {
    super(initial);
    this.initial = initial;
    this.keepAtMost = keepAtMost;
  }

  /** The content decoded as UTF-8. */
  public synchronized String text() {
    return new String(buf, 0, count, StandardCharsets.UTF_8);
  }

  /** Cuts the content back to its first {@code size} bytes. */
  public synchronized void truncate(int size) {
    if (size < 0 || size > count) {
      throw new IllegalArgumentException("size " + size + " outside 0.." + count);
    }
    count = size;
  }

  /** Empties the buffer, dropping an array that grew past the limit. */
  public synchronized void clear() {
    count = 0;
    if (buf.length > keepAtMost) {
      buf = new byte[initial];
    }
  }
}
