package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;

/** A session's summed usage as kept in {@code meta.json}. Immutable. */
public record PersistedUsage(
    long turns,
    long inputTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningOutputTokens) {

  ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("turns", turns);
    n.put("inputTokens", inputTokens);
    n.put("cachedInputTokens", cachedInputTokens);
    n.put("outputTokens", outputTokens);
    n.put("reasoningOutputTokens", reasoningOutputTokens);
    return n;
  }

  /** Lenient read: null unless an object; missing or non-numeric counters are 0. */
  static PersistedUsage fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    return new PersistedUsage(
        count(n, "turns"),
        count(n, "inputTokens"),
        count(n, "cachedInputTokens"),
        count(n, "outputTokens"),
        count(n, "reasoningOutputTokens"));
  }

  private static long count(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.canConvertToLong() && v.asLong() >= 0 ? v.asLong() : 0;
  }
}
