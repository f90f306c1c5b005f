package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A turn Codex accepted (the answer of {@code codex} and {@code codex_reply} without a wait).
 *
 * @param progress the {@code progress} object at that moment
 * @param compatWarnings compatibility notes (an on-failure policy sent as on-request, a minimal
 *     effort retried as low), empty when none
 */
public record TurnStarted(
    String sessionId, String threadId, ObjectNode progress, List<String> compatWarnings) {
  public TurnStarted {
    compatWarnings = List.copyOf(compatWarnings);
  }
}
