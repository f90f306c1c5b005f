package io.github.codexmcp.codex;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Sums a session's token usage from what Codex reports. The app-server sends {@code
 * thread/tokenUsage/updated} with the thread's running {@code total} and the {@code last} model
 * call's usage, possibly more than once for one call: the meter adds the growth of {@code total}
 * since the previous report, or {@code last} when there is no previous report from this backend
 * (first report, new child after a restart) or the total shrank. The exec backend reports usage
 * only on {@code turn/completed}; it counts when no token-usage notification came during the turn.
 *
 * <p>Not thread-safe: the owner guards it (the session's lock). No I/O.
 */
public final class UsageMeter {
  private SessionUsage usage;
  private TokenUsage lastTotal;
  private boolean reportedThisTurn;

  public UsageMeter(SessionUsage restored) {
    this.usage = restored == null ? SessionUsage.NONE : restored;
  }

  public SessionUsage usage() {
    return usage;
  }

  /** A {@code thread/tokenUsage/updated} notification's params. */
  public void onTokenUsageUpdated(JsonNode params) {
    JsonNode tu = params == null ? null : params.get("tokenUsage");
    if (tu == null) {
      return;
    }
    TokenUsage total = TokenUsage.from(tu.get("total"));
    TokenUsage last = TokenUsage.from(tu.get("last"));
    TokenUsage delta = total != null && lastTotal != null ? total.minus(lastTotal) : null;
    if (delta == null) {
      delta = last != null ? last : total;
    }
    if (total != null) {
      lastTotal = total;
    }
    if (delta != null) {
      usage = usage.add(delta);
      reportedThisTurn = true;
    }
  }

  /** A turn ended ({@code turn/completed} params); counts the turn and exec's usage. */
  public void onTurnCompleted(JsonNode params) {
    JsonNode turn = params == null ? null : params.get("turn");
    TokenUsage execUsage = turn == null ? null : TokenUsage.from(turn.get("usage"));
    if (!reportedThisTurn && execUsage != null) {
      usage = usage.add(execUsage);
    }
    usage = usage.plusTurn();
    reportedThisTurn = false;
  }

  /** The backend was replaced (its totals start over for this meter's purposes). */
  public void onBackendRestarted() {
    lastTotal = null;
  }
}
