package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;
import io.github.codexmcp.util.Json;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a TOML document into leaf assignments ({@code a.b.c} → the value as TOML text), read by
 * Jackson's TOML format. Codex parses {@code -c} values as TOML, so each value is written back as a
 * TOML literal: strings as basic strings, numbers, booleans, dates and times as TOML writes them,
 * arrays inline (tables inside them as inline tables). Tables, inline ones included, are flattened
 * into their leaves; an empty table is kept as {@code {}}.
 *
 * <p>Thread-safe; stateless (the mapper is immutable once built).
 */
final class TomlFlattener {
  private static final TomlMapper TOML =
      TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();

  /** One leaf assignment: decoded key path and the value's TOML text. */
  record Entry(List<String> path, String rawValue) {
    Entry {
      path = List.copyOf(path);
    }
  }

  private TomlFlattener() {}

  /**
   * The leaf assignments of {@code text} in document order.
   *
   * @throws IllegalArgumentException when {@code text} is not valid TOML (the message names the
   *     line)
   */
  static List<Entry> flatten(String text) {
    JsonNode root;
    try {
      root = TOML.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
      throw new IllegalArgumentException(where + e.getOriginalMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    if (root instanceof ObjectNode table) {
      table(new ArrayList<>(), table, out);
    }
    return List.copyOf(out);
  }

  private static void table(List<String> path, JsonNode table, List<Entry> out) {
    for (Map.Entry<String, JsonNode> e : table.properties()) {
      path.add(e.getKey());
      JsonNode v = e.getValue();
      if (v.isObject() && !v.isEmpty()) {
        table(path, v, out);
      } else {
        out.add(new Entry(path, literal(v)));
      }
      path.remove(path.size() - 1);
    }
  }

  /** {@code v} as a TOML value. */
  static String literal(JsonNode v) {
    StringBuilder sb = new StringBuilder();
    literal(v, sb);
    return sb.toString();
  }

  private static void literal(JsonNode v, StringBuilder sb) {
    switch (v.getNodeType()) {
      case STRING -> sb.append(string(v.textValue()));
      case BOOLEAN -> sb.append(v.booleanValue());
      case NUMBER -> sb.append(number(v));
      case ARRAY -> {
        sb.append('[');
        String sep = "";
        for (JsonNode item : v) {
          sb.append(sep);
          literal(item, sb);
          sep = ", ";
        }
        sb.append(']');
      }
      case OBJECT -> {
        sb.append('{');
        String sep = "";
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          sb.append(sep).append(key(e.getKey())).append(" = ");
          literal(e.getValue(), sb);
          sep = ", ";
        }
        sb.append('}');
      }
      case POJO ->
          sb.append(dateTime(((com.fasterxml.jackson.databind.node.POJONode) v).getPojo()));
      default -> throw new IllegalArgumentException("unsupported TOML value " + v.getNodeType());
    }
  }

  private static String number(JsonNode v) {
    if (v.isFloatingPointNumber()) {
      double d = v.doubleValue();
      if (Double.isNaN(d)) {
        return "nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "inf" : "-inf";
      }
    }
    return v.asText();
  }

  private static String dateTime(Object value) {
    if (value instanceof OffsetDateTime t) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }
    if (value instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (value instanceof LocalDate t) {
      return DateTimeFormatter.ISO_LOCAL_DATE.format(t);
    }
    if (value instanceof LocalTime t) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }
    throw new IllegalArgumentException("unsupported TOML value " + value);
  }

  /**
   * A TOML basic string: JSON's string escapes are a subset of TOML's; DEL, which JSON leaves as it
   * is and TOML does not allow raw, is escaped too.
   */
  static String string(String s) {
    return Json.write(s).replace("\u007f", "\\u007F");
  }

  /** A key as written in an inline table: bare when it can be, else a basic string. */
  static String key(String k) {
    if (k.isEmpty()) {
      return "\"\"";
    }
    for (int i = 0; i < k.length(); i++) {
      if (!isBare(k.charAt(i))) {
        return string(k);
      }
    }
    return k;
  }

  /** Whether {@code c} may appear in a bare key. */
  static boolean isBare(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }
}
