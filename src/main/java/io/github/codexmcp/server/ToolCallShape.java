package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape a {@code tools/call}'s parameters must have before the SDK binds them: an object with a
 * string {@code name} and, when present and not null, an object {@code arguments}. Stateless.
 */
final class ToolCallShape {
  private ToolCallShape() {}

  /** Why {@code params} cannot be a tool call (one line, for the client), or null when it can. */
  static String refusal(JsonNode params) {
    if (params == null || !params.isObject()) {
      return "tools/call params must be an object, got " + kind(params);
    }
    JsonNode name = params.get("name");
    if (name == null || !name.isTextual()) {
      return "tool name must be a string, got " + kind(name);
    }
    JsonNode args = params.get("arguments");
    if (args != null && !args.isNull() && !args.isObject()) {
      return "arguments of tool " + name.textValue() + " must be an object, got " + kind(args);
    }
    JsonNode meta = params.get("_meta");
    if (meta != null && !meta.isNull() && !meta.isObject()) {
      return "_meta of a tool call must be an object, got " + kind(meta);
    }
    return null;
  }

  /** The JSON kind of {@code v} as a word. */
  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
