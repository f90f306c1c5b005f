package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.ActionType;
import java.util.List;

/**
 * The end of a foreground wait ({@code waitForResult}): the turn finished, or the wait handed over
 * to polling.
 *
 * @param threadId null when unknown
 * @param status the session's status ({@code error} when it no longer exists)
 * @param result the turn's result when it finished and has one, else null
 * @param completedAt when it finished, null while it runs
 * @param progress the {@code progress} object
 * @param pollInterval the suggested poll interval, null for none
 * @param waitForResultMs the wait the client asked for
 * @param fallbackReason why the wait handed over to polling, null when it did not
 * @param pendingActionTypes types of the actions waiting for the client, first-seen order
 */
public record ForegroundResult(
    String sessionId,
    String threadId,
    SessionStatus status,
    ObjectNode result,
    String completedAt,
    List<String> compatWarnings,
    ObjectNode progress,
    Long pollInterval,
    long waitForResultMs,
    String fallbackReason,
    List<ActionType> pendingActionTypes) {
  public ForegroundResult {
    compatWarnings = compatWarnings == null ? List.of() : List.copyOf(compatWarnings);
    pendingActionTypes = List.copyOf(pendingActionTypes);
  }
}
