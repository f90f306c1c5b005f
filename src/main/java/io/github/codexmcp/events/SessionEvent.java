package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.Objects;

/**
 * One buffered event. {@code data} is treated as immutable once the event is buffered; {@code
 * pinned} is internal and never serialized to clients.
 *
 * @param id buffer id, unique per session and never reused
 * @param type coarse type
 * @param data event payload, usually an object with a {@code method} key
 * @param timestamp ISO-8601 UTC time of the push (refreshed when a delta is coalesced into it)
 * @param pinned whether eviction protects this event
 */
public record SessionEvent(
    long id, EventType type, JsonNode data, String timestamp, boolean pinned) {

  /** Null data becomes JSON {@code null}. */
  public SessionEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    if (data == null) {
      data = NullNode.getInstance();
    }
  }

  /** {@code data.method} when it is a string, else null. */
  public String method() {
    return Json.text(data, "method");
  }

  /**
   * Client view {@code {id, type, data, timestamp}} with {@code data} shaped per {@code mode}: what
   * the {@code maxBytes} truncation measures (the poll answer's renderer writes the same).
   */
  public ObjectNode toJson(ResponseMode mode) {
    ObjectNode out = Json.object();
    Nodes.putInteger(out, "id", id);
    out.put("type", type.wireName());
    out.set("data", EventShaper.shape(data, mode));
    out.put("timestamp", timestamp);
    return out;
  }

  /** Client view with data unchanged ({@link ResponseMode#FULL}). */
  public ObjectNode toJson() {
    return toJson(ResponseMode.FULL);
  }
}
