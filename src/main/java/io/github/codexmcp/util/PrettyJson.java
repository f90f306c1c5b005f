package io.github.codexmcp.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree indented exactly as Jackson does with {@link Json#stringifyPrinter} (the
 * layout of JavaScript's {@code JSON.stringify(v, null, 2)}: two spaces per level, {@code "name":
 * value}, one array element or field per line, empty containers as {@code {}} and {@code []},
 * {@code \n} line breaks), and in the same walk compact as Jackson's default writer does, as UTF-8,
 * in about half the time Jackson takes for the indented text alone: every tool result is rendered
 * both ways, a poll result tens of kilobytes several times a second while a client follows a busy
 * session.
 *
 * <p>It handles the values tool results are made of: objects, arrays, strings, booleans, null,
 * integers that fit a long and finite doubles and floats. For anything else (big numbers, NaN and
 * infinities, binary, POJOs), for strings holding a lone surrogate and for nesting deeper than
 * Jackson allows, {@link #render} returns null and the caller uses Jackson. Strings are escaped as
 * Jackson escapes them (quote, backslash, the short escapes, upper-case {@code \}{@code u00XX} for
 * other control characters; characters beyond the BMP as UTF-8).
 */
public final class PrettyJson {
  private static final int INITIAL = 8 * 1024;
  private static final int KEPT = 1024 * 1024;
  private static final ThreadLocal<PrettyJson> WRITERS = ThreadLocal.withInitial(PrettyJson::new);

  /** One tree as indented text and as compact JSON (what Jackson's default writer gives), UTF-8. */
  public record Rendered(byte[] pretty, byte[] compact) {}

  private byte[] buf = new byte[INITIAL]; // indented
  private int n;
  private byte[] cbuf = new byte[INITIAL]; // compact
  private int cn;
  private int nesting; // containers open, arrays included
  private boolean withPretty; // false: the compact text only

  private PrettyJson() {}

  /** The indented UTF-8 text of {@code value}, or null when it holds something not handled here. */
  static byte[] write(JsonNode value) {
    Rendered r = render(value);
    return r == null ? null : r.pretty();
  }

  /**
   * Both texts of {@code value}, written in one walk, or null when it holds something not handled
   * here. The compact one is byte for byte what Jackson writes without indentation.
   */
  public static Rendered render(JsonNode value) {
    PrettyJson w = WRITERS.get();
    try {
      return w.write(value, true)
          ? new Rendered(Arrays.copyOf(w.buf, w.n), Arrays.copyOf(w.cbuf, w.cn))
          : null;
    } finally {
      w.release();
    }
  }

  /**
   * The compact UTF-8 text of {@code value} alone (byte for byte what Jackson's default writer
   * gives), or null when it holds something not handled here.
   */
  public static byte[] compact(JsonNode value) {
    PrettyJson w = WRITERS.get();
    try {
      return w.write(value, false) ? Arrays.copyOf(w.cbuf, w.cn) : null;
    } finally {
      w.release();
    }
  }

  /** Writes {@code value} from empty buffers, with or without the indented text. */
  private boolean write(JsonNode value, boolean indented) {
    n = 0;
    cn = 0;
    nesting = 0;
    withPretty = indented;
    return value(value, 0);
  }

  private void release() {
    if (buf.length > KEPT) {
      buf = new byte[INITIAL];
    }
    if (cbuf.length > KEPT) {
      cbuf = new byte[INITIAL];
    }
  }

  private boolean value(JsonNode v, int depth) {
    switch (v.getNodeType()) {
      case OBJECT:
      case ARRAY:
        if (++nesting > MAX_NESTING) {
          return false;
        }
        boolean written = v.isObject() ? object(v, depth) : array(v, depth);
        nesting--;
        return written;
      case STRING:
        return string(v.textValue());
      case BOOLEAN:
        both(v.booleanValue() ? "true" : "false");
        return true;
      case NULL:
        both("null");
        return true;
      case NUMBER:
        if (v.isInt() || v.isLong()) {
          both(Long.toString(v.longValue()));
          return true;
        }
        // finite fractions as Jackson writes them by default (its fast writer is off)
        if (v.isDouble() && Double.isFinite(v.doubleValue())) {
          both(Double.toString(v.doubleValue()));
          return true;
        }
        if (v.isFloat() && Float.isFinite(v.floatValue())) {
          both(Float.toString(v.floatValue()));
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /**
   * Jackson's default limit on nesting when writing; deeper trees are left to it (it refuses them).
   */
  private static final int MAX_NESTING = 1000;

  private boolean object(JsonNode v, int depth) {
    if (v.isEmpty()) {
      both("{}");
      return true;
    }
    both("{");
    boolean first = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        both(",");
      }
      first = false;
      indent(depth + 1);
      if (!string(e.getKey())) {
        return false;
      }
      pretty(": ");
      compact(":");
      if (!value(e.getValue(), depth + 1)) {
        return false;
      }
    }
    indent(depth);
    both("}");
    return true;
  }

  private boolean array(JsonNode v, int depth) {
    if (v.isEmpty()) {
      both("[]");
      return true;
    }
    both("[");
    boolean first = true;
    for (JsonNode item : v) {
      if (!first) {
        both(",");
      }
      first = false;
      indent(depth + 1);
      if (!value(item, depth + 1)) {
        return false;
      }
    }
    indent(depth);
    both("]");
    return true;
  }

  private boolean string(String s) {
    // ASCII text (almost all of it: names, ids, methods, most deltas) is escaped from the string
    // itself, without encoding it to a byte array first
    reserve(s.length() * JsonEscape.MAX_EXPANSION + 2);
    int start = n;
    buf[n++] = '"';
    int at = JsonEscape.escapeAscii(s, buf, n);
    if (at < 0) {
      n = start;
      return encodedString(s);
    }
    n = at;
    buf[n++] = '"';
    toCompact(start);
    return true;
  }

  private boolean encodedString(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    // encoding turns a lone surrogate into '?': only strings with non-ASCII text or a '?' can hide
    // one
    if ((u.length != s.length() || hasQuestionMark(u)) && hasLoneSurrogate(s)) {
      return false;
    }
    reserve(u.length * JsonEscape.MAX_EXPANSION + 2);
    int start = n;
    buf[n++] = '"';
    n = JsonEscape.escape(u, 0, u.length, buf, n);
    buf[n++] = '"';
    toCompact(start);
    return true;
  }

  /** Copies the string just written to the indented text from {@code start} to the compact one. */
  private void toCompact(int start) {
    int len = n - start;
    if (cbuf.length - cn < len) {
      cbuf = Arrays.copyOf(cbuf, Math.max(cbuf.length * 2, cn + len));
    }
    System.arraycopy(buf, start, cbuf, cn, len);
    cn += len;
    if (!withPretty) {
      n = start;
    }
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
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  private void indent(int depth) {
    if (!withPretty) {
      return;
    }
    reserve(1 + 2 * depth);
    buf[n++] = '\n';
    Arrays.fill(buf, n, n + 2 * depth, (byte) ' ');
    n += 2 * depth;
  }

  private void both(String ascii) {
    pretty(ascii);
    compact(ascii);
  }

  private void pretty(String ascii) {
    if (!withPretty) {
      return;
    }
    int len = ascii.length();
    reserve(len);
    for (int i = 0; i < len; i++) {
      buf[n++] = (byte) ascii.charAt(i);
    }
  }

  private void compact(String ascii) {
    int len = ascii.length();
    if (cbuf.length - cn < len) {
      cbuf = Arrays.copyOf(cbuf, Math.max(cbuf.length * 2, cn + len));
    }
    for (int i = 0; i < len; i++) {
      cbuf[cn++] = (byte) ascii.charAt(i);
    }
  }

  private void reserve(int more) {
    if (buf.length - n < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
  }
}
