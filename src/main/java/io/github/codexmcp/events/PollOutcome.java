package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The result of a poll.
 *
 * @param response the response object, ready for enrichment ({@link
 *     ProgressTracker#enrichCheckResponse}) and serialization
 * @param nextCursor the response's {@code nextCursor} (the cursor for a follow-up long-poll round)
 * @param sessionCursor the session's new {@code lastEventCursor}; the session must store it (it
 *     equals the previous value when the poll consumed nothing)
 * @param visibleData whether the response carries events, actions or a result (ends a long poll)
 */
public record PollOutcome(
    ObjectNode response, long nextCursor, long sessionCursor, boolean visibleData) {}
