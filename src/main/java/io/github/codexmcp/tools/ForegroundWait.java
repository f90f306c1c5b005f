package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.session.SessionPolling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The step after a turn has started, shared by {@code codex} and {@code codex_reply}: compatibility
 * warnings to the client's log, then the {@code waitForResult} wait.
 */
final class ForegroundWait {
  private ForegroundWait() {}

  /** Logger name of the server's compatibility warnings in the client's log. */
  static final String COMPAT_LOGGER = "codex-mcp/compat";

  /**
   * Sends each of the turn's compatibility warnings (such as an approval policy this Codex does not
   * take, and what is used instead) to the client's log as well.
   */
  static void logCompatWarnings(ObjectNode started, ClientLog log) {
    String sessionId = started.path("sessionId").asText("");
    for (JsonNode w : started.path("compatWarnings")) {
      log.warning(COMPAT_LOGGER, (sessionId.isEmpty() ? "" : sessionId + ": ") + w.asText());
    }
  }

  /** {@code execution.waitForResultMs} is what the caller asked for, not the capped wait. */
  private static ObjectNode restoreRequested(ObjectNode response, long requested) {
    if (response.get("execution") instanceof ObjectNode exec && exec.has("waitForResultMs")) {
      exec.put("waitForResultMs", requested);
    }
    return response;
  }

  /**
   * Returns the turn's background response as is when no wait was asked for; otherwise waits for
   * the turn (see {@link SessionPolling#foreground}) and returns the foreground response.
   */
  static CompletableFuture<ToolOutcome> after(
      ObjectNode started, Long waitMs, SessionPolling polling, RequestContext context) {
    logCompatWarnings(started, context.log());
    if (waitMs == null || waitMs <= 0) {
      return CompletableFuture.completedFuture(ToolOutcome.success(started));
    }
    List<String> warnings = new ArrayList<>();
    started.path("compatWarnings").forEach((JsonNode w) -> warnings.add(w.asText()));
    boolean capped = WaitBudget.isCapped(waitMs, context);
    return polling
        .foreground(
            started.get("sessionId").asText(),
            started.path("threadId").asText(null),
            WaitBudget.effective(waitMs, context),
            warnings,
            context.cancelled(),
            WaitProgress.of(context))
        .thenApply(r -> capped ? WaitBudget.markCapped(restoreRequested(r, waitMs)) : r)
        .thenApply(ToolOutcome::success);
  }
}
