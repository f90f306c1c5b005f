package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.EventShaper;
import io.github.codexmcp.events.PollPage;
import io.github.codexmcp.events.ResponseMode;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.util.Json;
import java.util.List;

/**
 * The {@code codex_check} answer (spec 30 §5.3, §8.3, §11) of a {@link PollPage}: {@code
 * {sessionId, status, pollInterval?, progress?, events, nextCursor, cursorResetTo?, actions?,
 * result?, compatWarnings?, truncated?, truncatedFields?, interactionState,
 * recommendedNextAction}}, each event {@code {id, type, data, timestamp}} with {@code data} shaped
 * per the page's mode.
 *
 * <p>The {@code maxBytes} truncation measured the page in exactly this form (without the two hints,
 * which are not counted), so the answer's compact JSON keeps to the limit. Runs on the tool-call
 * thread with no lock held: the page is immutable. It builds the tree once, referencing the page's
 * nodes and the events' data (shaped copies only where the mode drops or cuts something).
 */
public final class PollJson {
  private PollJson() {}

  /** The answer object in the contract's field order. */
  public static ObjectNode render(PollPage page) {
    ObjectNode out = Json.object();
    out.put("sessionId", page.sessionId());
    out.put("status", page.status());
    if (page.pollInterval() != null) {
      putInteger(out, "pollInterval", page.pollInterval());
    }
    if (page.progress() != null) {
      out.set("progress", page.progress());
    }
    ArrayNode events = out.putArray("events");
    for (SessionEvent e : page.events()) {
      events.add(event(e, page.mode()));
    }
    putInteger(out, "nextCursor", page.nextCursor());
    if (page.cursorResetTo() != null) {
      putInteger(out, "cursorResetTo", page.cursorResetTo());
    }
    if (page.actions() != null) {
      out.putArray("actions").addAll(page.actions());
    }
    if (page.result() != null) {
      out.set("result", page.result());
    }
    if (page.compatWarnings() != null) {
      strings(out.putArray("compatWarnings"), page.compatWarnings());
    }
    if (page.truncated()) {
      out.put("truncated", true);
      strings(out.putArray("truncatedFields"), page.truncatedFields());
    }
    if (page.interactionState() != null) {
      out.put("interactionState", page.interactionState().wireName());
    }
    if (page.recommendedNextAction() != null) {
      out.put("recommendedNextAction", page.recommendedNextAction().wireName());
    }
    return out;
  }

  /**
   * One event of the page. A method of its own, not the loop's body: the loop runs once per poll,
   * so the JIT would compile it only after tens of thousands of events (as an on-stack
   * replacement); this method is compiled after a few hundred, during a client's first streamed
   * turn.
   */
  private static ObjectNode event(SessionEvent e, ResponseMode mode) {
    ObjectNode event = Json.object();
    putInteger(event, "id", e.id());
    event.put("type", e.type().wireName());
    event.set("data", EventShaper.shape(e.data(), mode));
    event.put("timestamp", e.timestamp());
    return event;
  }

  private static void strings(ArrayNode array, List<String> values) {
    for (String v : values) {
      array.add(v);
    }
  }

  /**
   * An int node when the value fits, as the measuring tree and parsed JSON have it (Jackson's
   * IntNode and LongNode are never equal); the text is the same either way.
   */
  private static void putInteger(ObjectNode node, String key, long value) {
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      node.put(key, (int) value);
    } else {
      node.put(key, value);
    }
  }
}
