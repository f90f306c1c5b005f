package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Event polling with cursors, selection, consumption and {@code maxBytes} truncation (spec 30 §5.3,
 * §5.4, §11).
 *
 * <p>Pure: it reads the {@link PollContext} (including the ring, so the caller must hold the
 * session lock for the duration of the call) and returns the answer as a {@link PollPage} plus the
 * session cursor to store. Cost is proportional to the selected events (plus, under {@code
 * skipDeltas}, the deltas skipped); events are shaped and measured here only when {@code maxBytes}
 * is set, otherwise the page just holds the selected (immutable) events for the renderer.
 */
public final class Poller {
  /** {@code data.method} values that {@code skipDeltas} consumes without returning. */
  public static final Set<String> DELTA_METHODS =
      Set.of(
          "item/agentMessage/delta",
          "item/commandExecution/outputDelta",
          "item/fileChange/outputDelta",
          "item/reasoning/textDelta",
          "item/reasoning/summaryTextDelta",
          "item/plan/delta");

  static final String STALE_CURSOR_WARNING = "Provided cursor %d is stale; used session cursor %d.";

  private Poller() {}

  /**
   * {@code pollEvents} (spec 30 §5.3): events since the request cursor (or the session cursor),
   * then truncation to {@code maxBytes}.
   */
  public static PollOutcome poll(PollRequest request, PollContext context) {
    PollResponseDraft draft = compute(request, context, request.cursor());
    return finish(draft, request, context);
  }

  /**
   * {@code pollEventsMonotonic} for {@code respond_*} (spec 30 §5.4): a given cursor is raised to
   * the session cursor, so history is never replayed; a stale one adds the compat warning {@code
   * Provided cursor <c> is stale; used session cursor <s>.} when it fits in {@code maxBytes}. With
   * {@code maxEvents = 0} this is the compact ACK.
   */
  public static PollOutcome pollMonotonic(PollRequest request, PollContext context) {
    long sessionCursor = context.lastEventCursor();
    Long given = request.cursor();
    Long effective = given == null ? null : Math.max(given, sessionCursor);
    PollResponseDraft draft = compute(request, context, effective);
    if (given != null && given < sessionCursor) {
      draft.addWarningIfFits(
          String.format(STALE_CURSOR_WARNING, given, sessionCursor), request.options().byteLimit());
    }
    return finish(draft, request, context);
  }

  private static PollResponseDraft compute(PollRequest request, PollContext ctx, Long cursor) {
    PollOptions o = request.options();
    boolean includeEvents = o.includeEventsEffective();
    EventRing ring = ctx.ring();
    long nextId = ring.nextId();
    long effectiveCursor = cursor != null ? cursor : ctx.lastEventCursor();
    int unseenStart = ring.indexAtOrAfter(effectiveCursor);
    Long cursorResetTo = null;
    if (!ring.isEmpty() && ring.firstId() > effectiveCursor) {
      cursorResetTo = ring.firstId(); // unseenStart is 0: the whole buffer
    }
    long cursorFloor = cursorResetTo != null ? cursorResetTo : effectiveCursor;
    int maxEvents = Math.max(0, request.maxEvents());

    List<SessionEvent> selected = new ArrayList<>();
    long highest = -1;
    boolean consumed = false;
    if (includeEvents && maxEvents > 0) {
      int size = ring.size();
      if (o.skipDeltasEffective()) {
        for (int i = unseenStart; i < size && selected.size() < maxEvents; i++) {
          SessionEvent e = ring.get(i);
          highest = e.id();
          consumed = true;
          String method = e.method();
          if (method == null || !DELTA_METHODS.contains(method)) {
            selected.add(e);
          }
        }
      } else {
        int end = (int) Math.min(size, (long) unseenStart + maxEvents);
        for (int i = unseenStart; i < end; i++) {
          selected.add(ring.get(i));
        }
        if (!selected.isEmpty()) {
          highest = selected.get(selected.size() - 1).id();
          consumed = true;
        }
      }
    } else if (!includeEvents && o.finalOnlyEffective() && unseenStart < ring.size()) {
      highest = ring.last().id();
      consumed = true;
    }
    long nextCursor = clamp(consumed ? highest + 1 : cursorFloor, nextId);

    List<ObjectNode> actions =
        o.includeActionsEffective() && !ctx.actions().isEmpty() ? ctx.actions() : null;
    ObjectNode result = o.includeResultEffective() ? ctx.result() : null;
    PollResponseDraft draft =
        new PollResponseDraft(
            ctx.sessionId(),
            ctx.status(),
            ctx.pollInterval(),
            ctx.progress(),
            selected,
            request.responseMode(),
            nextCursor,
            cursorFloor,
            cursorResetTo,
            actions,
            result);
    long limit = o.byteLimit();
    if (limit >= 0) {
      draft.truncate(limit, nextId);
    }
    return draft;
  }

  private static PollOutcome finish(PollResponseDraft draft, PollRequest request, PollContext ctx) {
    PollOptions o = request.options();
    long previous = ctx.lastEventCursor();
    long sessionCursor = previous;
    if (o.includeEventsEffective() || o.finalOnlyEffective()) {
      sessionCursor = Math.max(previous, clamp(draft.nextCursor, ctx.ring().nextId()));
    }
    return new PollOutcome(draft.toPage(), sessionCursor, draft.hasVisibleData());
  }

  private static long clamp(long value, long nextId) {
    return Math.max(0, Math.min(value, nextId));
  }
}
