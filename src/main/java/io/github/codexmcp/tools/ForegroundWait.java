package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionPolling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The {@code waitForResult} step shared by {@code codex} and {@code codex_reply}. */
final class ForegroundWait {
  private ForegroundWait() {}

  /**
   * Returns the turn's background response as is when no wait was asked for; otherwise waits for
   * the turn (see {@link SessionPolling#foreground}) and returns the foreground response.
   */
  static CompletableFuture<ToolOutcome> after(
      ObjectNode started, Long waitMs, SessionPolling polling, RequestContext context) {
    if (waitMs == null || waitMs <= 0) {
      return CompletableFuture.completedFuture(ToolOutcome.success(started));
    }
    List<String> warnings = new ArrayList<>();
    started.path("compatWarnings").forEach((JsonNode w) -> warnings.add(w.asText()));
    return polling
        .foreground(
            started.get("sessionId").asText(),
            started.path("threadId").asText(null),
            waitMs,
            warnings,
            context.cancelled(),
            WaitProgress.of(context))
        .thenApply(ToolOutcome::success);
  }
}
