package io.github.codexmcp.codex;

/** What a session has used so far: finished turns and the tokens summed over them. */
public record SessionUsage(
    long turns,
    long inputTokens,
    long cachedInputTokens,
    long outputTokens,
    long reasoningOutputTokens) {
  public static final SessionUsage NONE = new SessionUsage(0, 0, 0, 0, 0);

  SessionUsage add(TokenUsage t) {
    return new SessionUsage(
        turns,
        inputTokens + t.inputTokens(),
        cachedInputTokens + t.cachedInputTokens(),
        outputTokens + t.outputTokens(),
        reasoningOutputTokens + t.reasoningOutputTokens());
  }

  SessionUsage plusTurn() {
    return new SessionUsage(
        turns + 1, inputTokens, cachedInputTokens, outputTokens, reasoningOutputTokens);
  }
}
