package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses JSON lines that are objects of strings, numbers, booleans, null, objects and arrays: the
 * lines Codex writes, and the requests an MCP client sends. A streamed delta is one: {@code
 * {"method":"item/agentMessage/delta","params":{"threadId":"…","turnId":"…","itemId":"…","delta":"…"},"emittedAtMs":1795250974903}}.
 * The result is the tree Jackson's {@code readTree} builds for the line, without a parser, a
 * deserialization context and their buffers per line; a turn streams thousands of such lines.
 *
 * <p>Anything else gives {@code null}: a top level that is not an object, integers of 19 digits or
 * more, number texts longer than 64 characters, minus zero, nesting deeper than {@value
 * #MAX_DEPTH}, bad escapes, control characters, bytes that are not UTF-8, U+FFFD, trailing text.
 * The caller then parses the line with Jackson, which also reports what is malformed.
 *
 * <p>One instance per reading thread: it keeps the field names it has seen, found again by their
 * bytes, so that the trees of thousands of lines share one string per name (as Jackson's interned
 * names do) and no name is decoded twice; and per name the last short ASCII value it had (a thread,
 * turn or item id, a method), so that a line repeating it shares its node.
 */
public final class StringTreeParser {
  static final int MAX_DEPTH = 32;
  private static final int MAX_NAMES = 512;
  private static final int MAX_NAME_LENGTH = 64;
  private static final int KEPT_BUILDER_CHARS = 64 * 1024;

  /** Longest value kept per name for the next line to share. */
  private static final int MAX_SHARED_VALUE_LENGTH = 128;

  /** A field name seen before: its bytes, its string and its last shareable value. */
  private static final class Name {
    final byte[] bytes;
    final String text;
    TextNode last; // ASCII, nothing escaped: its characters are its bytes in the line

    Name(byte[] bytes, String text) {
      this.bytes = bytes;
      this.text = text;
    }
  }

  private final Name[] names = new Name[2 * MAX_NAMES]; // open addressing, a power of two
  private int nameCount;
  private boolean plain; // the last string read was ASCII with nothing escaped
  private StringBuilder escaped = new StringBuilder();
  private byte[] b;
  private int p;
  private int end;

  /** The tree of {@code bytes[start..end)}, or null when the line is not of this kind. */
  public JsonNode parse(byte[] bytes, int start, int end) {
    this.b = bytes;
    this.p = start;
    this.end = end;
    try {
      if (p >= end || b[p] != '{') {
        return null;
      }
      ObjectNode root = object(1);
      if (root == null) {
        return null;
      }
      skipSpace();
      return p == end ? root : null;
    } finally {
      this.b = null;
    }
  }

  /** An object starting at {@code p} (which is at its brace), or null. */
  private ObjectNode object(int depth) {
    p++;
    ObjectNode node = Json.NODES.objectNode();
    skipSpace();
    if (p < end && b[p] == '}') {
      p++;
      return node;
    }
    while (true) {
      if (p >= end || b[p] != '"') {
        return null;
      }
      Name known = name();
      String name = known != null ? known.text : string();
      if (name == null) {
        return null;
      }
      skipSpace();
      if (p >= end || b[p] != ':') {
        return null;
      }
      p++;
      skipSpace();
      if (p >= end) {
        return null;
      }
      JsonNode value = known != null && b[p] == '"' ? sharedString(known) : value(depth);
      if (value == null) {
        return null;
      }
      node.set(name, value);
      skipSpace();
      if (p >= end) {
        return null;
      }
      byte c = b[p++];
      if (c == '}') {
        return node;
      }
      if (c != ',') {
        return null;
      }
      skipSpace();
    }
  }

  /** The value at {@code p} (not at the end) inside a container at {@code depth}, or null. */
  private JsonNode value(int depth) {
    byte c = b[p];
    if (c == '"') {
      String text = string();
      return text == null ? null : Json.NODES.textNode(text);
    }
    if (c == '{') {
      return depth < MAX_DEPTH ? object(depth + 1) : null;
    }
    if (c == '[') {
      return depth < MAX_DEPTH ? array(depth + 1) : null;
    }
    return scalar();
  }

  /** An array starting at {@code p} (which is at its bracket), or null. */
  private ArrayNode array(int depth) {
    p++;
    ArrayNode node = Json.NODES.arrayNode();
    skipSpace();
    if (p < end && b[p] == ']') {
      p++;
      return node;
    }
    while (true) {
      if (p >= end) {
        return null;
      }
      JsonNode item = value(depth);
      if (item == null) {
        return null;
      }
      node.add(item);
      skipSpace();
      if (p >= end) {
        return null;
      }
      byte c = b[p++];
      if (c == ']') {
        return node;
      }
      if (c != ',') {
        return null;
      }
      skipSpace();
    }
  }

  /**
   * A number, {@code true}, {@code false} or {@code null} at {@code p}, as the node Jackson makes
   * of it (int-sized integers are int nodes, other integers that surely fit a long are long nodes,
   * numbers with a fraction or an exponent are double nodes, parsed as Jackson parses them by
   * default); null for anything else.
   */
  private JsonNode scalar() {
    byte c = b[p];
    if (c == 't') {
      return literal("true") ? Json.NODES.booleanNode(true) : null;
    }
    if (c == 'f') {
      return literal("false") ? Json.NODES.booleanNode(false) : null;
    }
    if (c == 'n') {
      return literal("null") ? Json.NODES.nullNode() : null;
    }
    int start = p;
    boolean negative = c == '-';
    if (negative) {
      p++;
    }
    int digits = p;
    long v = 0;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      v = v * 10 + (b[p] - '0');
      p++;
    }
    int n = p - digits;
    // no digits or a leading zero: not JSON, left to Jackson to report
    if (n == 0 || (n > 1 && b[digits] == '0')) {
      p = start;
      return null;
    }
    if (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E')) {
      return fraction(start);
    }
    // too long to be sure of a long, or minus zero: left to Jackson
    if (n > 18 || (negative && v == 0)) {
      p = start;
      return null;
    }
    v = negative ? -v : v;
    return v == (int) v ? Json.NODES.numberNode((int) v) : Json.NODES.numberNode(v);
  }

  /** The longest number text taken here; Jackson takes longer ones (up to its own limit). */
  private static final int MAX_FRACTION_LENGTH = 64;

  /**
   * The rest of a number with a fraction or an exponent ({@code p} is past its integer digits), as
   * a double node; null when it is not JSON or too long.
   */
  private JsonNode fraction(int start) {
    if (b[p] == '.') {
      p++;
      if (digits() == 0) {
        p = start;
        return null;
      }
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      if (digits() == 0) {
        p = start;
        return null;
      }
    }
    if (p - start > MAX_FRACTION_LENGTH) {
      p = start;
      return null;
    }
    return Json.NODES.numberNode(
        Double.parseDouble(new String(b, start, p - start, StandardCharsets.ISO_8859_1)));
  }

  private int digits() {
    int from = p;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
    return p - from;
  }

  private boolean literal(String word) {
    int n = word.length();
    if (end - p < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[p + i] != word.charAt(i)) {
        return false;
      }
    }
    p += n;
    return true;
  }

  /** The string starting at {@code p} (at its opening quote), or null. */
  private String string() {
    int start = ++p;
    boolean ascii = true;
    while (p < end) {
      byte c = b[p];
      if (c == '"') {
        String s = decode(start, p, ascii);
        p++;
        plain = ascii;
        return s;
      }
      if (c == '\\') {
        plain = false;
        return escapedString(start, ascii);
      }
      if (c >= 0 && c < 0x20) {
        return null;
      }
      ascii &= c >= 0;
      p++;
    }
    return null;
  }

  /** The rest of a string that has escapes; {@code p} is at the first backslash. */
  private String escapedString(int start, boolean ascii) {
    StringBuilder sb = escaped;
    sb.setLength(0);
    String head = decode(start, p, ascii);
    if (head == null) {
      return null;
    }
    sb.append(head);
    int run = p;
    boolean runAscii = true;
    while (p < end) {
      byte c = b[p];
      if (c == '"' || c == '\\') {
        String part = decode(run, p, runAscii);
        if (part == null) {
          return null;
        }
        sb.append(part);
        if (c == '"') {
          p++;
          String text = sb.toString();
          if (sb.capacity() > KEPT_BUILDER_CHARS) {
            escaped = new StringBuilder(); // one huge string must not stay with the reader for good
          }
          return text;
        }
        if (!unescape(sb)) {
          return null;
        }
        run = p;
        runAscii = true;
        continue;
      }
      if (c >= 0 && c < 0x20) {
        return null;
      }
      runAscii &= c >= 0;
      p++;
    }
    return null;
  }

  /**
   * Appends the escape at {@code p} (a backslash) and moves past it; false if it is not valid JSON.
   */
  private boolean unescape(StringBuilder sb) {
    if (p + 1 >= end) {
      return false;
    }
    byte e = b[p + 1];
    p += 2;
    switch (e) {
      case '"', '\\', '/' -> sb.append((char) e);
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        if (p + 4 > end) {
          return false;
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
          int d = Character.digit(b[p + i], 16);
          if (d < 0) {
            return false;
          }
          v = (v << 4) | d;
        }
        p += 4;
        sb.append((char) v);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Text of {@code b[from..to)}; null when decoding gave U+FFFD: the bytes were not valid UTF-8
   * (Jackson rejects them, and the caller's fallback decides what to make of them) or held U+FFFD
   * itself, which is rare enough to leave to Jackson as well.
   */
  private String decode(int from, int to, boolean ascii) {
    if (ascii) {
      return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
    String s = new String(b, from, to - from, StandardCharsets.UTF_8);
    return s.indexOf('\uFFFD') >= 0 ? null : s;
  }

  private void skipSpace() {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      p++;
    }
  }

  /**
   * The known name at {@code p} (at its opening quote; then moved past the closing one), taking a
   * new one in while there is room; null, with {@code p} unmoved, for a name with escapes, a long
   * one, or one that is not valid UTF-8 (the caller reads it as any string).
   */
  private Name name() {
    int start = p + 1;
    int h = 0;
    int i = start;
    while (true) {
      if (i >= end || i - start > MAX_NAME_LENGTH) {
        return null;
      }
      byte c = b[i];
      if (c == '"') {
        break;
      }
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        return null;
      }
      h = 31 * h + c;
      i++;
    }
    int len = i - start;
    int mask = names.length - 1;
    int at = (h ^ (h >>> 16)) & mask;
    for (int probe = 0; probe < 8; probe++, at = (at + 1) & mask) {
      Name n = names[at];
      if (n == null) {
        if (nameCount >= MAX_NAMES) {
          return null;
        }
        String text = decode(start, i, isAscii(start, i));
        if (text == null) {
          return null;
        }
        n = new Name(Arrays.copyOfRange(b, start, i), text);
        names[at] = n;
        nameCount++;
        p = i + 1;
        return n;
      }
      if (n.bytes.length == len && Arrays.equals(n.bytes, 0, len, b, start, i)) {
        p = i + 1;
        return n;
      }
    }
    return null;
  }

  private boolean isAscii(int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The string value at {@code p} of field {@code name}: the node of its last value when the line
   * repeats it, else a new one (kept as the last value when short, ASCII and unescaped).
   */
  private JsonNode sharedString(Name name) {
    TextNode last = name.last;
    if (last != null) {
      String prev = last.textValue();
      int len = prev.length();
      int start = p + 1;
      // the cached text holds no quote, backslash or control character: equal bytes followed by
      // the closing quote are the same valid string
      if (end - start > len && b[start + len] == '"' && sameAscii(prev, start)) {
        p = start + len + 1;
        return last;
      }
    }
    String text = string();
    if (text == null) {
      return null;
    }
    TextNode node = Json.NODES.textNode(text);
    name.last = plain && text.length() <= MAX_SHARED_VALUE_LENGTH ? node : null;
    return node;
  }

  private boolean sameAscii(String s, int at) {
    for (int i = 0, len = s.length(); i < len; i++) {
      if (b[at + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
