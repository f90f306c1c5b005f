package io.github.codexmcp.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree indented exactly as Jackson's default pretty printer does (two spaces per
 * object level, {@code "name" : value}, arrays on one line as {@code [ a, b ]}, empty containers as
 * {@code { }} and {@code [ ]}, the platform's line separator), as UTF-8, in about half the time:
 * every poll result is rendered this way, tens of kilobytes several times a second while a client
 * follows a busy session.
 *
 * <p>It handles the values tool results are made of: objects, arrays, strings, booleans, null and
 * integers that fit a long. For anything else (fractions, big numbers, binary, POJOs) and for
 * strings holding a lone surrogate, {@link #write} returns null and the caller uses Jackson.
 * Strings are escaped as Jackson escapes them (quote, backslash, the short escapes, upper-case
 * {@code \}{@code u00XX} for other control characters; characters beyond the BMP as UTF-8).
 */
final class PrettyJson {
  private static final byte[] EOL = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);

  private static final int INITIAL = 8 * 1024;
  private static final int KEPT = 1024 * 1024;
  private static final ThreadLocal<PrettyJson> WRITERS = ThreadLocal.withInitial(PrettyJson::new);

  private byte[] buf = new byte[INITIAL];
  private int n;

  private PrettyJson() {}

  /** The indented UTF-8 text of {@code value}, or null when it holds something not handled here. */
  static byte[] write(JsonNode value) {
    PrettyJson w = WRITERS.get();
    w.n = 0;
    try {
      return w.value(value, 0) ? Arrays.copyOf(w.buf, w.n) : null;
    } finally {
      if (w.buf.length > KEPT) {
        w.buf = new byte[INITIAL];
      }
    }
  }

  private boolean value(JsonNode v, int depth) {
    switch (v.getNodeType()) {
      case OBJECT:
        return object(v, depth);
      case ARRAY:
        return array(v, depth);
      case STRING:
        return string(v.textValue());
      case BOOLEAN:
        ascii(v.booleanValue() ? "true" : "false");
        return true;
      case NULL:
        ascii("null");
        return true;
      case NUMBER:
        if (v.isInt() || v.isLong()) {
          ascii(Long.toString(v.longValue()));
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  private boolean object(JsonNode v, int depth) {
    if (v.isEmpty()) {
      ascii("{ }");
      return true;
    }
    put((byte) '{');
    boolean first = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        put((byte) ',');
      }
      first = false;
      indent(depth + 1);
      if (!string(e.getKey())) {
        return false;
      }
      ascii(" : ");
      if (!value(e.getValue(), depth + 1)) {
        return false;
      }
    }
    indent(depth);
    put((byte) '}');
    return true;
  }

  private boolean array(JsonNode v, int depth) {
    if (v.isEmpty()) {
      ascii("[ ]");
      return true;
    }
    ascii("[ ");
    boolean first = true;
    for (JsonNode item : v) {
      if (!first) {
        ascii(", ");
      }
      first = false;
      // arrays stay on one line and do not deepen the indentation of objects inside them
      if (!value(item, depth)) {
        return false;
      }
    }
    ascii(" ]");
    return true;
  }

  private boolean string(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    // encoding turns a lone surrogate into '?': only strings with non-ASCII text or a '?' can hide one
    if ((u.length != s.length() || hasQuestionMark(u)) && hasLoneSurrogate(s)) {
      return false;
    }
    reserve(u.length * JsonEscape.MAX_EXPANSION + 2);
    buf[n++] = '"';
    n = JsonEscape.escape(u, 0, u.length, buf, n);
    buf[n++] = '"';
    return true;
  }

  private static boolean hasQuestionMark(byte[] u) {
    for (byte c : u) {
      if (c == '?') {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code s} has a surrogate that is not half of a pair (Jackson escapes those). */
  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  private void indent(int depth) {
    reserve(EOL.length + 2 * depth);
    for (byte c : EOL) {
      buf[n++] = c;
    }
    Arrays.fill(buf, n, n + 2 * depth, (byte) ' ');
    n += 2 * depth;
  }

  private void ascii(String s) {
    int len = s.length();
    reserve(len);
    for (int i = 0; i < len; i++) {
      buf[n++] = (byte) s.charAt(i);
    }
  }

  private void put(byte c) {
    reserve(1);
    buf[n++] = c;
  }

  private void reserve(int more) {
    if (buf.length - n < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
  }
}
