package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.session.SessionPolling;
import io.github.codexmcp.session.TurnStarted;
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
  static void logCompatWarnings(TurnStarted started, ClientLog log) {
    String sessionId = started.sessionId() == null ? "" : started.sessionId();
    for (String w : started.compatWarnings()) {
      log.warning(COMPAT_LOGGER, (sessionId.isEmpty() ? "" : sessionId + ": ") + w);
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
   * Returns the turn's background response when no wait was asked for; otherwise waits for the turn
   * (see {@link SessionPolling#foreground}) and returns the foreground response.
   */
  static CompletableFuture<ToolOutcome> after(
      TurnStarted started, Long waitMs, SessionPolling polling, RequestContext context) {
    logCompatWarnings(started, context.log());
    if (waitMs == null || waitMs <= 0) {
      return CompletableFuture.completedFuture(
          ToolOutcome.success(SessionJson.turnStarted(started)));
    }
    boolean capped = WaitBudget.isCapped(waitMs, context);
    return polling
        .foreground(
            started.sessionId(),
            started.threadId(),
            WaitBudget.effective(waitMs, context),
            started.compatWarnings(),
            context.cancelled(),
            WaitProgress.of(context))
        .thenApply(SessionJson::foreground)
        .thenApply(r -> capped ? WaitBudget.markCapped(restoreRequested(r, waitMs)) : r)
        .thenApply(ToolOutcome::success);
  }
}
