package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Waits that fit the client. Common MCP clients give up on a request after 20–60 s unless progress
 * notifications reset their timer, and they send progress only for requests that carry a {@code
 * progressToken}. So a wait ({@code waitForResult}, {@code pollOptions.waitMs}) without a token is
 * cut to {@value #NO_PROGRESS_TOKEN_CAP_MS} ms and answered in the normal early-return shape; with
 * a token, progress goes out at least every 5 s and the full wait is allowed. Stateless.
 */
final class WaitBudget {
  /** The longest wait for a request that carries no progress token. */
  static final long NO_PROGRESS_TOKEN_CAP_MS = 50_000;

  /** {@code execution.fallbackReason} when the cap, not the requested wait, ended the wait. */
  static final String CAPPED = "wait_capped_no_progress_token";

  private WaitBudget() {}

  /** The wait to perform for {@code requestedMs}. */
  static long effective(long requestedMs, RequestContext context) {
    return isCapped(requestedMs, context) ? NO_PROGRESS_TOKEN_CAP_MS : requestedMs;
  }

  /** Whether the cap shortens this wait. */
  static boolean isCapped(long requestedMs, RequestContext context) {
    return !context.wantsProgress() && requestedMs > NO_PROGRESS_TOKEN_CAP_MS;
  }

  /**
   * Marks a foreground response whose wait was capped: {@code execution.waitCapMs}, and {@code
   * fallbackReason} {@value #CAPPED} when the wait ran out (rather than ending for an approval).
   */
  static ObjectNode markCapped(ObjectNode response) {
    JsonNode e = response.get("execution");
    if (e instanceof ObjectNode exec) {
      exec.put("waitCapMs", NO_PROGRESS_TOKEN_CAP_MS);
      if ("wait_for_result_timeout".equals(exec.path("fallbackReason").asText(null))) {
        exec.put("fallbackReason", CAPPED);
      }
    }
    return response;
  }
}
