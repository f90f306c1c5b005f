package io.github.codexmcp.util;

import java.nio.charset.StandardCharsets;

/**
 * The escapes Jackson writes inside JSON strings, applied to UTF-8 bytes: a backslash before a
 * quote or a backslash, the short forms of backspace, tab, line feed, form feed and carriage
 * return, a {@code u00XX} hex escape (upper case) for the other control characters; every other
 * byte, those of non-ASCII characters included, as it is.
 */
final class JsonEscape {
  /** Most bytes one input byte can become. */
  static final int MAX_EXPANSION = 6;

  /** For each byte: 0 to copy it, else the letter after the backslash ('u' for a hex escape). */
  private static final byte[] ESCAPE = new byte[256];

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
  }

  private JsonEscape() {}

  /**
   * Writes {@code src[from..to)} escaped into {@code dst} at {@code at}, which must have room for
   * {@link #MAX_EXPANSION} bytes per input byte; returns the position after the last byte written.
   */
  static int escape(byte[] src, int from, int to, byte[] dst, int at) {
    for (int i = from; i < to; i++) {
      byte c = src[i];
      byte e = ESCAPE[c & 0xFF];
      if (e == 0) {
        dst[at++] = c;
      } else {
        at = escaped(c, e, dst, at);
      }
    }
    return at;
  }

  /**
   * Writes {@code s} escaped into {@code dst} at {@code at} as {@link #escape} writes its UTF-8
   * bytes, with the same room needed per character, when all of it is ASCII: returns the position
   * after the last byte written, or -1 at the first other character (what was written before it is
   * then to be discarded). No byte array of the text is made.
   */
  static int escapeAscii(String s, byte[] dst, int at) {
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      byte e = ESCAPE[c];
      if (e == 0) {
        dst[at++] = (byte) c;
      } else {
        at = escaped((byte) c, e, dst, at);
      }
    }
    return at;
  }

  private static int escaped(byte c, byte e, byte[] dst, int at) {
    dst[at++] = '\\';
    dst[at++] = e;
    if (e == 'u') {
      dst[at++] = '0';
      dst[at++] = '0';
      dst[at++] = HEX[c >> 4];
      dst[at++] = HEX[c & 0xF];
    }
    return at;
  }
}
