package io.github.codexmcp.events;

/**
 * The result of a poll.
 *
 * @param page the answer, without the orchestration hints ({@link PollPage#withHints})
 * @param sessionCursor the session's new {@code lastEventCursor}; the session must store it (it
 *     equals the previous value when the poll consumed nothing)
 * @param visibleData whether the answer carries events, actions or a result (ends a long poll)
 */
public record PollOutcome(PollPage page, long sessionCursor, boolean visibleData) {

  /** The answer's {@code nextCursor} (the cursor for a follow-up long-poll round). */
  public long nextCursor() {
    return page.nextCursor();
  }
}
