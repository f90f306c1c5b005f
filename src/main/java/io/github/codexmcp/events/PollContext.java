package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Session state a poll reads, captured by the session under its lock. The poller never modifies the
 * given nodes; the page it answers with may reference them.
 *
 * @param sessionId session id
 * @param status status wire name
 * @param pollInterval from {@link ProgressTracker#pollInterval}, null to omit
 * @param progress from {@link ProgressTracker#snapshot}, null to omit
 * @param lastEventCursor the session's consumed cursor
 * @param actions unresolved pending requests in insertion order, full form (spec 30 §9)
 * @param result {@code lastResult} when the status is {@code idle}/{@code error}/{@code cancelled},
 *     else null
 * @param ring the session's event buffer
 */
public record PollContext(
    String sessionId,
    String status,
    Long pollInterval,
    ObjectNode progress,
    long lastEventCursor,
    List<ObjectNode> actions,
    ObjectNode result,
    EventRing ring) {

  /** Requires sessionId, status and ring; null actions mean none. */
  public PollContext {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(ring, "ring");
    actions = actions == null ? List.of() : List.copyOf(actions);
  }
}
