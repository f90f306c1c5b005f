package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A turn Codex accepted (the answer of {@code codex} and {@code codex_reply} without a wait).
 *
 * @param progress the {@code progress} object at that moment
 * @param compatWarnings compatibility notes (an on-failure policy sent as on-request, a minimal
 *     effort retried as low), empty when none
 * @param steered the prompt joined the running turn ({@code codex_reply} with {@code steer})
 */
public record TurnStarted(
    String sessionId,
    String threadId,
    ObjectNode progress,
    List<String> compatWarnings,
    boolean steered) {
  public TurnStarted {
    compatWarnings = List.copyOf(compatWarnings);
  }

  /** A newly started turn. */
  public TurnStarted(
      String sessionId, String threadId, ObjectNode progress, List<String> compatWarnings) {
    this(sessionId, threadId, progress, compatWarnings, false);
  }
}
