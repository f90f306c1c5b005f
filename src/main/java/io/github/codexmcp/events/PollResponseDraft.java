package io.github.codexmcp.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A poll answer under construction, with the {@code maxBytes} truncation of spec 30 §11; {@link
 * #toPage} gives the finished {@link PollPage}.
 *
 * <p>Sizes are UTF-8 byte lengths of the compact JSON the client receives. To measure them, this
 * class writes the answer internally in the contract's field order (the envelope as a tree, each
 * event streamed as {@link SessionEvent#toJson} would be); the renderer of the page must write the
 * same bytes (tested against the recorded answers). Events are measured one by one and only as far
 * as needed, and only when {@code maxBytes} is set: the size of the whole answer is the size of the
 * envelope with an empty {@code events} array plus the event sizes plus one comma between events,
 * so no event is serialized more than once here.
 */
final class PollResponseDraft {
  static final String TRUNCATION_WARNING = "Response truncated to respect pollOptions.maxBytes=%d.";

  private static final String[] COMPACT_ACTION_KEYS = {
    "type",
    "requestId",
    "kind",
    "params",
    "itemId",
    "createdAt",
    "commandActions",
    "proposedExecpolicyAmendment",
    "availableDecisions",
    "additionalPermissions",
    "networkApprovalContext",
    "proposedNetworkPolicyAmendments",
  };

  final String sessionId;
  final String status;
  final Long pollInterval;
  final long cursorFloor;
  ObjectNode progress;
  final ResponseMode mode;
  List<SessionEvent> events;
  long nextCursor;
  final Long cursorResetTo;
  List<ObjectNode> actions;
  ObjectNode result;
  List<String> compatWarnings;
  List<String> truncatedFields;

  /** Byte size of the kept events inside the array (sizes plus commas); -1 = not measured. */
  private long eventsBytes = -1;

  PollResponseDraft(
      String sessionId,
      String status,
      Long pollInterval,
      ObjectNode progress,
      List<SessionEvent> events,
      ResponseMode mode,
      long nextCursor,
      long cursorFloor,
      Long cursorResetTo,
      List<ObjectNode> actions,
      ObjectNode result) {
    this.sessionId = sessionId;
    this.status = status;
    this.pollInterval = pollInterval;
    this.progress = progress;
    this.events = events;
    this.mode = mode;
    this.nextCursor = nextCursor;
    this.cursorFloor = cursorFloor;
    this.cursorResetTo = cursorResetTo;
    this.actions = actions;
    this.result = result;
  }

  boolean hasVisibleData() {
    return !events.isEmpty() || (actions != null && !actions.isEmpty()) || result != null;
  }

  /** The finished answer, without the orchestration hints. */
  PollPage toPage() {
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
        null,
        null);
  }

  /**
   * Applies spec 30 §11 for {@code limit} (at least 1).
   *
   * <p>One refinement over the literal rule: once something has been dropped, the {@code
   * truncated}/{@code truncatedFields} markers are counted while deciding what else to drop, so a
   * response that can be brought under the limit ends up there markers included (the literal rule
   * added the markers afterwards and could overshoot by about 40 bytes).
   *
   * @param nextId the ring's next id, the upper clamp of the recomputed {@code nextCursor}
   */
  void truncate(long limit, long nextId) {
    if (events.isEmpty() && actions == null && result == null) {
      return;
    }
    // Measure events only until the limit is crossed; the rest is never serialized here.
    long[] sizes = new long[events.size()];
    long envelope = envelopeSize();
    long total = envelope;
    for (int i = 0; i < sizes.length && total <= limit; i++) {
      sizes[i] = eventSize(events.get(i));
      total += sizes[i] + (i > 0 ? 1 : 0);
    }
    if (total <= limit) {
      eventsBytes = total - envelope;
      return; // everything fits
    }
    LinkedHashSet<String> recorded = new LinkedHashSet<>();
    List<SessionEvent> selectedEvents = events;
    if (!events.isEmpty()) {
      record(recorded, "events");
      envelope = envelopeSize();
      total = envelope;
      int kept = 0;
      while (kept < sizes.length) {
        long add = sizes[kept] + (kept > 0 ? 1 : 0);
        if (sizes[kept] == 0 || total + add > limit) {
          break; // an unmeasured event lies beyond the point that overflowed without markers
        }
        total += add;
        kept++;
      }
      eventsBytes = total - envelope;
      events = events.subList(0, kept);
      long next = kept > 0 ? events.get(kept - 1).id() + 1 : cursorFloor;
      nextCursor = Math.max(0, Math.min(next, nextId));
    } else {
      eventsBytes = 0;
    }
    if (result != null && size() > limit) {
      result = null;
      record(recorded, "result");
    }
    if (progress != null && size() > limit) {
      progress = null;
      record(recorded, "progress");
    }
    if (actions != null && size() > limit) {
      record(recorded, "actions");
      if (ProgressTracker.WAITING_APPROVAL.equals(status)) {
        List<ObjectNode> compacted = new ArrayList<>(actions.size());
        for (ObjectNode a : actions) {
          compacted.add(compactAction(a));
        }
        actions = compacted;
        while (actions.size() > 1 && size() > limit) {
          actions.remove(actions.size() - 1);
        }
        if (size() > limit) {
          ObjectNode first = actions.get(0); // our own compacted copy
          first.remove("params");
          actions = new ArrayList<>(List.of(first));
        }
      }
      if (size() > limit) {
        actions = null;
      }
    }
    refill(selectedEvents, sizes, limit, nextId);
    if (truncatedFields != null) {
      addWarningIfFits(String.format(TRUNCATION_WARNING, limit), limit);
    }
  }

  /**
   * Gives back to the events the room freed by dropping result, progress or actions. Without this a
   * large {@code result} (always present on a finished session) would push every event out of every
   * poll, and a client using {@code maxBytes} could never read the session's events.
   */
  private void refill(List<SessionEvent> selected, long[] sizes, long limit, long nextId) {
    int kept = events.size();
    if (kept >= selected.size()) {
      return;
    }
    long total = size();
    long added = 0;
    while (kept < selected.size()) {
      long one = sizes[kept] != 0 ? sizes[kept] : eventSize(selected.get(kept));
      long add = one + (kept > 0 ? 1 : 0);
      if (total + add > limit) {
        break;
      }
      total += add;
      added += add;
      kept++;
    }
    if (added == 0) {
      return;
    }
    eventsBytes += added;
    events = selected.subList(0, kept);
    nextCursor = Math.max(0, Math.min(events.get(kept - 1).id() + 1, nextId));
  }

  private void record(LinkedHashSet<String> recorded, String field) {
    recorded.add(field);
    truncatedFields = List.copyOf(recorded);
  }

  /**
   * Appends a compat warning, then takes it back if the response exceeds {@code limit} (-1 = none).
   */
  void addWarningIfFits(String warning, long limit) {
    List<String> previous = compatWarnings;
    List<String> next = previous == null ? new ArrayList<>() : new ArrayList<>(previous);
    next.add(warning);
    compatWarnings = next;
    if (limit >= 0 && size() > limit) {
      compatWarnings = previous;
    }
  }

  /** Current size of the whole response in bytes. */
  long size() {
    if (eventsBytes < 0) {
      long total = 0;
      for (SessionEvent e : events) {
        total += eventSize(e);
      }
      eventsBytes = total + Math.max(0, events.size() - 1);
    }
    return envelopeSize() + eventsBytes;
  }

  /**
   * Size of {@code {id, type, data, timestamp}} ({@link SessionEvent#toJson}) with the shaped data,
   * written straight to the counter: no tree is built for the event itself.
   */
  private long eventSize(SessionEvent e) {
    CountingStream counter = new CountingStream();
    try (JsonGenerator g = Json.utf8Generator(counter)) {
      g.writeStartObject();
      g.writeNumberField("id", e.id());
      g.writeStringField("type", e.type().wireName());
      g.writeFieldName("data");
      Json.MAPPER.writeTree(g, EventShaper.shape(e.data(), mode));
      g.writeStringField("timestamp", e.timestamp());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return counter.count;
  }

  private long envelopeSize() {
    return sizeOf(envelope());
  }

  /** The answer's tree with an empty {@code events} array, for measuring. */
  private ObjectNode envelope() {
    ObjectNode out = Json.object();
    out.put("sessionId", sessionId);
    out.put("status", status);
    if (pollInterval != null) {
      Nodes.putInteger(out, "pollInterval", pollInterval);
    }
    if (progress != null) {
      out.set("progress", progress);
    }
    out.putArray("events");
    Nodes.putInteger(out, "nextCursor", nextCursor);
    if (cursorResetTo != null) {
      Nodes.putInteger(out, "cursorResetTo", cursorResetTo);
    }
    if (actions != null) {
      out.putArray("actions").addAll(actions);
    }
    if (result != null) {
      out.set("result", result);
    }
    if (compatWarnings != null) {
      ArrayNode w = out.putArray("compatWarnings");
      compatWarnings.forEach(w::add);
    }
    if (truncatedFields != null) {
      out.put("truncated", true);
      ArrayNode f = out.putArray("truncatedFields");
      truncatedFields.forEach(f::add);
    }
    return out;
  }

  /** Spec 30 §11 step 4 compact form of an action; {@code params} only for user input. */
  static ObjectNode compactAction(ObjectNode action) {
    ObjectNode c = Json.object();
    for (String key : COMPACT_ACTION_KEYS) {
      if (key.equals("params")) {
        ObjectNode params = compactParams(action);
        if (params != null) {
          c.set("params", params);
        }
        continue;
      }
      JsonNode v = action.get(key);
      if (v != null) {
        c.set(key, v);
      }
    }
    return c;
  }

  private static ObjectNode compactParams(ObjectNode action) {
    if (!"user_input".equals(Json.text(action, "kind"))) {
      return null;
    }
    JsonNode questions = action.path("params").get("questions");
    if (questions == null || !questions.isArray()) {
      return null;
    }
    ObjectNode params = Json.object();
    ArrayNode ids = params.putArray("questions");
    for (JsonNode q : questions) {
      String id = Json.text(q, "id");
      if (id != null) {
        ids.addObject().put("id", id);
      }
    }
    return params;
  }

  /** UTF-8 byte length of the compact JSON of {@code node}, without building the byte array. */
  static long sizeOf(JsonNode node) {
    CountingStream counter = new CountingStream();
    try {
      Json.MAPPER.writeValue(counter, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counter.count;
  }

  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
