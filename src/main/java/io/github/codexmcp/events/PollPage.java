package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one poll (spec 30 §5.3, §8.3, §11), before it is rendered for the client. Null
 * fields are absent from the answer.
 *
 * <p>Immutable once built and safe to render without the session lock: the events are immutable
 * {@link SessionEvent} records, and {@code progress}, {@code actions} and {@code result} are nodes
 * built for this poll or never modified once stored (the answer references them and must not modify
 * them either).
 *
 * @param sessionId session id
 * @param status session status wire name
 * @param pollInterval suggested poll interval in ms, or null
 * @param progress the {@code progress} object, or null (not given, or dropped by truncation)
 * @param events the returned events, in id order
 * @param mode how each event's {@code data} is shaped ({@link EventShaper})
 * @param nextCursor the cursor for the next poll
 * @param cursorResetTo the oldest buffered id when the cursor fell behind the buffer, else null
 * @param actions unresolved pending requests (full or, after truncation, compact form), or null
 * @param result the session's last result, or null
 * @param compatWarnings compatibility warnings, or null
 * @param truncatedFields what {@code maxBytes} truncation cut, in order, or null when nothing was
 *     cut; the answer says {@code truncated: true} exactly when this is non-null
 * @param interactionState null until {@link #withHints} (not counted against {@code maxBytes})
 * @param recommendedNextAction null until {@link #withHints} (not counted either)
 */
public record PollPage(
    String sessionId,
    String status,
    Long pollInterval,
    ObjectNode progress,
    List<SessionEvent> events,
    ResponseMode mode,
    long nextCursor,
    Long cursorResetTo,
    List<ObjectNode> actions,
    ObjectNode result,
    List<String> compatWarnings,
    List<String> truncatedFields,
    InteractionState interactionState,
    NextAction recommendedNextAction) {

  /**
   * Requires sessionId, status, events and mode. The lists are wrapped read-only, not copied (the
   * poller hands over lists it no longer touches).
   */
  public PollPage {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(mode, "mode");
    events = Collections.unmodifiableList(events);
    actions = actions == null ? null : Collections.unmodifiableList(actions);
    compatWarnings = compatWarnings == null ? null : Collections.unmodifiableList(compatWarnings);
    truncatedFields =
        truncatedFields == null ? null : Collections.unmodifiableList(truncatedFields);
  }

  /** Whether {@code maxBytes} truncation cut something. */
  public boolean truncated() {
    return truncatedFields != null;
  }

  /**
   * This page with the orchestration hints of spec 30 §8.3 for its status.
   *
   * @param pendingKinds kinds of the unresolved pending requests; only consulted for {@code
   *     waiting_approval}
   */
  public PollPage withHints(Collection<String> pendingKinds) {
    return new PollPage(
        sessionId,
        status,
        pollInterval,
        progress,
        events,
        mode,
        nextCursor,
        cursorResetTo,
        actions,
        result,
        compatWarnings,
        truncatedFields,
        ProgressTracker.interactionState(status),
        ProgressTracker.recommendedNextAction(status, pendingKinds));
  }
}
