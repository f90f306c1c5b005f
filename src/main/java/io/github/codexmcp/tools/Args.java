package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Small readers for validated tool arguments (absent and JSON null both read as null). */
final class Args {
  private Args() {}

  static String str(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static Long lng(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    return v == null || v.isNull() || !v.isNumber() ? null : v.asLong();
  }

  static Boolean bool(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    return v == null || v.isNull() || !v.isBoolean() ? null : v.asBoolean();
  }

  static ObjectNode obj(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    return v instanceof ObjectNode o ? o : null;
  }

  static List<String> strings(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    if (v == null || !v.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** True when the field is present with a non-null value. */
  static boolean present(JsonNode args, String field) {
    JsonNode v = args == null ? null : args.get(field);
    return v != null && !v.isNull();
  }
}
