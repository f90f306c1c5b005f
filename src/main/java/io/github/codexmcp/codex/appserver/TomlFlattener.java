package io.github.codexmcp.codex.appserver;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a TOML document into leaf assignments ({@code a.b.c} → raw value text) without
 * interpreting the values: each value's text is kept verbatim (strings with their quotes and
 * escapes, arrays with their line breaks and comments) because Codex parses {@code -c} values as
 * TOML itself. Inline tables are flattened into their leaves; empty inline tables are kept as
 * {@code {}}. Arrays of tables ({@code [[x]]}) are rejected.
 *
 * <p>Not a validating parser: it finds where keys and values start and end, and reports a
 * line-numbered {@link IllegalArgumentException} when it cannot. Thread-safe; stateless.
 */
final class TomlFlattener {
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** One leaf assignment: decoded key path and the value's raw TOML text. */
  record Entry(List<String> path, String rawValue) {
    Entry {
      path = List.copyOf(path);
    }
  }

  private final String s;
  private int pos;
  private final List<Entry> out = new ArrayList<>();

  private TomlFlattener(String text) {
    this.s = text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** The leaf assignments of {@code text} in document order. */
  static List<Entry> flatten(String text) {
    TomlFlattener f = new TomlFlattener(text);
    f.document();
    return List.copyOf(f.out);
  }

  private void document() {
    List<String> table = List.of();
    while (true) {
      skipBlank();
      if (eof()) {
        return;
      }
      char c = s.charAt(pos);
      if (c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        skipComment();
      } else if (c == '[') {
        if (peek(1) == '[') {
          throw error("arrays of tables ([[...]]) are not supported");
        }
        pos++;
        table = keyPath();
        skipBlank();
        expect(']');
        endOfLine();
      } else {
        List<String> key = keyPath();
        skipBlank();
        expect('=');
        skipBlank();
        List<String> path = new ArrayList<>(table);
        path.addAll(key);
        value(path);
        endOfLine();
      }
    }
  }

  private void value(List<String> path) {
    if (eof()) {
      throw error("missing value");
    }
    if (s.charAt(pos) == '{') {
      inlineTable(path);
      return;
    }
    int start = pos;
    pos = valueEnd(pos);
    String raw = s.substring(start, pos).trim();
    if (raw.isEmpty()) {
      throw error("missing value");
    }
    out.add(new Entry(path, raw));
  }

  private void inlineTable(List<String> path) {
    int open = pos;
    pos++;
    skipBlank();
    if (!eof() && s.charAt(pos) == '}') {
      pos++;
      out.add(new Entry(path, s.substring(open, pos)));
      return;
    }
    while (true) {
      skipBlank();
      List<String> key = keyPath();
      skipBlank();
      expect('=');
      skipBlank();
      List<String> child = new ArrayList<>(path);
      child.addAll(key);
      value(child);
      skipBlank();
      if (eof()) {
        throw error("unterminated inline table");
      }
      char c = s.charAt(pos++);
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw error("expected ',' or '}' in inline table");
      }
    }
  }

  /** End index of a value starting at {@code i} (scalars stop before a comment or line end). */
  private int valueEnd(int i) {
    char c = s.charAt(i);
    if (c == '"' || c == '\'') {
      return stringEnd(i);
    }
    if (c == '[') {
      return bracketEnd(i);
    }
    int j = scalarEnd(i);
    // A local date followed by a space and a time is one value (1979-05-27 07:32:00Z).
    if (DATE.matcher(s.substring(i, j)).matches()
        && j + 1 < s.length()
        && s.charAt(j) == ' '
        && Character.isDigit(s.charAt(j + 1))) {
      j = scalarEnd(j + 1);
    }
    return j;
  }

  private int scalarEnd(int i) {
    int j = i;
    while (j < s.length()) {
      char d = s.charAt(j);
      if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == '#' || d == ',' || d == '}'
          || d == ']') {
        break;
      }
      j++;
    }
    return j;
  }

  private int bracketEnd(int i) {
    int depth = 0;
    int j = i;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '"' || c == '\'') {
        j = stringEnd(j);
        continue;
      }
      if (c == '#') {
        while (j < s.length() && s.charAt(j) != '\n') {
          j++;
        }
        continue;
      }
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return j + 1;
        }
      }
      j++;
    }
    pos = j;
    throw error("unterminated array");
  }

  /** End index (exclusive) of the string literal starting at {@code i}. */
  private int stringEnd(int i) {
    char q = s.charAt(i);
    boolean basic = q == '"';
    boolean multi = s.startsWith(basic ? "\"\"\"" : "'''", i);
    int j = i + (multi ? 3 : 1);
    while (j < s.length()) {
      char c = s.charAt(j);
      if (basic && c == '\\') {
        j += 2;
        continue;
      }
      if (!multi && (c == '\n' || c == '\r')) {
        break;
      }
      if (c == q) {
        if (!multi) {
          return j + 1;
        }
        if (s.startsWith(basic ? "\"\"\"" : "'''", j)) {
          int end = j + 3;
          // Up to two quotes may directly precede the closing delimiter.
          for (int extra = 0; extra < 2 && end < s.length() && s.charAt(end) == q; extra++) {
            end++;
          }
          return end;
        }
      }
      j++;
    }
    pos = i;
    throw error("unterminated string");
  }

  private List<String> keyPath() {
    List<String> path = new ArrayList<>();
    while (true) {
      skipBlank();
      if (eof()) {
        throw error("missing key");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        int end = stringEnd(pos);
        if (s.startsWith("\"\"\"", pos)) {
          throw error("multi-line strings cannot be keys");
        }
        path.add(unescapeBasic(s.substring(pos + 1, end - 1)));
        pos = end;
      } else if (c == '\'') {
        int end = stringEnd(pos);
        if (s.startsWith("'''", pos)) {
          throw error("multi-line strings cannot be keys");
        }
        path.add(s.substring(pos + 1, end - 1));
        pos = end;
      } else {
        int start = pos;
        while (!eof() && isBare(s.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error("invalid key");
        }
        path.add(s.substring(start, pos));
      }
      skipBlank();
      if (!eof() && s.charAt(pos) == '.') {
        pos++;
        continue;
      }
      return path;
    }
  }

  private void endOfLine() {
    skipBlank();
    if (eof()) {
      return;
    }
    char c = s.charAt(pos);
    if (c == '#') {
      skipComment();
    } else if (c != '\n' && c != '\r') {
      throw error("unexpected text after value");
    }
  }

  private void expect(char c) {
    if (eof() || s.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipBlank() {
    while (!eof() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipComment() {
    while (!eof() && s.charAt(pos) != '\n') {
      pos++;
    }
  }

  private boolean eof() {
    return pos >= s.length();
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < s.length() ? s.charAt(i) : '\0';
  }

  static boolean isBare(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  private IllegalArgumentException error(String message) {
    int line = 1;
    for (int i = 0; i < Math.min(pos, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        line++;
      }
    }
    return new IllegalArgumentException("line " + line + ": " + message);
  }

  private String unescapeBasic(String body) {
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        sb.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case 'b':
          sb.append('\b');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'n':
          sb.append('\n');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 'u':
        case 'U':
          int len = e == 'u' ? 4 : 8;
          if (i + 1 + len > body.length()) {
            throw error("bad unicode escape in key");
          }
          try {
            sb.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + len), 16));
          } catch (IllegalArgumentException bad) {
            throw error("bad unicode escape in key");
          }
          i += len;
          break;
        default:
          sb.append(e);
      }
    }
    return sb.toString();
  }
}
