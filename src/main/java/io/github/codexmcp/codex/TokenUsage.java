package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts as Codex reports them: the app-server's {@code TokenUsageBreakdown} (camelCase) or
 * the exec stream's {@code usage} (snake_case). Missing counters are 0.
 */
public record TokenUsage(
    long inputTokens, long cachedInputTokens, long outputTokens, long reasoningOutputTokens) {
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

  /** Reads either spelling; null when {@code node} is not an object with any counter. */
  public static TokenUsage from(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    long in = count(node, "inputTokens", "input_tokens");
    long cached = count(node, "cachedInputTokens", "cached_input_tokens");
    long out = count(node, "outputTokens", "output_tokens");
    long reasoning = count(node, "reasoningOutputTokens", "reasoning_output_tokens");
    if (in < 0 && cached < 0 && out < 0 && reasoning < 0) {
      return null;
    }
    return new TokenUsage(
        Math.max(in, 0), Math.max(cached, 0), Math.max(out, 0), Math.max(reasoning, 0));
  }

  public TokenUsage plus(TokenUsage o) {
    return new TokenUsage(
        inputTokens + o.inputTokens,
        cachedInputTokens + o.cachedInputTokens,
        outputTokens + o.outputTokens,
        reasoningOutputTokens + o.reasoningOutputTokens);
  }

  /** {@code this - o}, or null when any counter would go negative (the totals were reset). */
  TokenUsage minus(TokenUsage o) {
    TokenUsage d =
        new TokenUsage(
            inputTokens - o.inputTokens,
            cachedInputTokens - o.cachedInputTokens,
            outputTokens - o.outputTokens,
            reasoningOutputTokens - o.reasoningOutputTokens);
    return d.inputTokens < 0
            || d.cachedInputTokens < 0
            || d.outputTokens < 0
            || d.reasoningOutputTokens < 0
        ? null
        : d;
  }

  private static long count(JsonNode node, String camel, String snake) {
    JsonNode v = node.get(camel);
    if (v == null || !v.isNumber()) {
      v = node.get(snake);
    }
    return v != null && v.isNumber() ? v.asLong() : -1;
  }
}
