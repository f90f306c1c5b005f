package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Maps an app-server notification to the event it produces (spec 30 §2). A pure function: the
 * caller applies the state side effects (spec 20 §6) and pushes the result into its {@link
 * EventRing}.
 *
 * <p>{@code data} is built as {@code {method, ...params}} plus per-method overrides; an override
 * whose value is undefined removes the key. The returned data shares child nodes with {@code
 * params}, so neither may be modified afterwards. Command output deltas are returned unfiltered:
 * {@link EventRing#push} applies the noise filter and may then produce no event.
 */
public final class NotificationMapper {
  /** Synthetic method of the progress event produced by a retryable {@code error}. */
  public static final String RECONNECT_METHOD = "codex-mcp/reconnect";

  private static final Set<String> PLAIN_PROGRESS =
      Set.of(
          "thread/archived",
          "thread/unarchived",
          "thread/name/updated",
          "thread/tokenUsage/updated",
          "fuzzyFileSearch/sessionUpdated",
          "fuzzyFileSearch/sessionCompleted",
          "windows/worldWritableWarning",
          "account/login/completed",
          "item/commandExecution/terminalInteraction",
          "item/fileChange/outputDelta",
          "item/reasoning/textDelta",
          "item/reasoning/summaryTextDelta",
          "item/reasoning/summaryPartAdded",
          "item/plan/delta",
          "item/mcpToolCall/progress",
          "turn/diff/updated",
          "turn/plan/updated",
          "model/rerouted",
          "warning",
          "configWarning",
          "deprecationNotice",
          "guardianWarning");

  /** Codex's warnings: progress events, and worth the client's log too ({@link #warningText}). */
  public static final Set<String> WARNINGS =
      Set.of("warning", "configWarning", "deprecationNotice", "guardianWarning");

  private static final Set<String> ITEM_LIFECYCLE =
      Set.of("item/started", "item/completed", "rawResponseItem/completed");

  private static final Set<String> CANCEL_DROPPED =
      Set.of("turn/started", "turn/completed", "error");

  /** The event a notification produces: push {@code data} with this type and pin flag. */
  public record MappedEvent(EventType type, ObjectNode data, boolean pinned) {
    /** All components are required. */
    public MappedEvent {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(data, "data");
    }
  }

  private NotificationMapper() {}

  /**
   * One line for a user from one of Codex's {@linkplain #WARNINGS warnings}: its message, or its
   * summary with the config path and details; null for any other method or an empty warning.
   */
  public static String warningText(String method, JsonNode params) {
    if (method == null || !WARNINGS.contains(method) || params == null) {
      return null;
    }
    String text = Json.text(params, "message");
    if (text == null) {
      text = Json.text(params, "summary");
      String path = Json.text(params, "path");
      String details = Json.text(params, "details");
      if (text != null && path != null && !path.isBlank()) {
        text += " (" + path + ")";
      }
      if (text != null && details != null && !details.isBlank()) {
        text += ": " + details;
      }
    }
    return text == null || text.isBlank() ? null : text;
  }

  /** The method of the streamed reply fragments: most notifications of a turn. */
  public static final String AGENT_MESSAGE_DELTA = "item/agentMessage/delta";

  private static final TextNode AGENT_MESSAGE_DELTA_NODE = TextNode.valueOf(AGENT_MESSAGE_DELTA);

  /**
   * The {@code output} event data of an {@value #AGENT_MESSAGE_DELTA} notification: {@code {method,
   * delta?, itemId?}} (what {@link #map} produces for it, without going through the general
   * mapping).
   */
  public static ObjectNode agentMessageDelta(JsonNode params) {
    ObjectNode data = Json.object();
    data.set(
        "method", AGENT_MESSAGE_DELTA_NODE); // one shared node for thousands of buffered events
    if (params != null && params.isObject()) {
      copyIfPresent(params, data, "delta");
      copyIfPresent(params, data, "itemId");
    }
    return data;
  }

  /** Same as {@link #map(String, JsonNode, boolean, String)} for a live session with no turn. */
  public static Optional<MappedEvent> map(String method, JsonNode params) {
    return map(method, params, false, null);
  }

  /**
   * Maps one notification.
   *
   * @param method notification method
   * @param params notification params; null or a non-object counts as {@code {}}
   * @param sessionCancelled true drops {@code turn/started}, {@code turn/completed} and {@code
   *     error} (no event)
   * @param activeTurnId the session's active turn id, used as {@code turnId} of a {@code
   *     turn/completed} result whose {@code turn.id} is not a string (else {@code ""})
   * @return the event, or empty for methods that produce none
   */
  public static Optional<MappedEvent> map(
      String method, JsonNode params, boolean sessionCancelled, String activeTurnId) {
    if (method == null) {
      return Optional.empty();
    }
    JsonNode p = params != null && params.isObject() ? params : Json.object();
    if (sessionCancelled && CANCEL_DROPPED.contains(method)) {
      return Optional.empty();
    }
    switch (method) {
      case "thread/started":
        return progress(threadStarted(method, p));
      case "turn/started":
        {
          ObjectNode data = spread(method, p);
          JsonNode turn = p.get("turn");
          override(data, "turnId", Json.text(turn, "id"));
          override(data, "status", Json.text(turn, "status"));
          return progress(data);
        }
      case "turn/completed":
        return Optional.of(
            new MappedEvent(EventType.RESULT, turnCompleted(method, p, activeTurnId), true));
      case "error":
        return Optional.of(error(method, p));
      case AGENT_MESSAGE_DELTA:
        return Optional.of(new MappedEvent(EventType.OUTPUT, agentMessageDelta(p), false));
      case "item/commandExecution/outputDelta":
        return progress(spread(method, p));
      default:
        break;
    }
    if (ITEM_LIFECYCLE.contains(method)) {
      return Optional.of(itemLifecycle(method, p));
    }
    if (PLAIN_PROGRESS.contains(method)) {
      return progress(spread(method, p));
    }
    return Optional.empty();
  }

  private static Optional<MappedEvent> progress(ObjectNode data) {
    return Optional.of(new MappedEvent(EventType.PROGRESS, data, false));
  }

  private static ObjectNode threadStarted(String method, JsonNode p) {
    ObjectNode data = spread(method, p);
    JsonNode thread = p.get("thread");
    String threadId = Json.text(p, "threadId");
    if (threadId == null) {
      threadId = Json.text(thread, "id");
    }
    override(data, "threadId", threadId);
    override(data, "status", threadStatus(thread));
    return data;
  }

  /** {@code thread.status} when a string, or its {@code type} when an object (v2 ThreadStatus). */
  static String threadStatus(JsonNode thread) {
    if (thread == null) {
      return null;
    }
    JsonNode status = thread.get("status");
    if (status == null) {
      return null;
    }
    if (status.isTextual()) {
      return status.asText();
    }
    return status.isObject() ? Json.text(status, "type") : null;
  }

  private static ObjectNode turnCompleted(String method, JsonNode p, String activeTurnId) {
    ObjectNode data = spread(method, p);
    JsonNode turn = p.get("turn");
    String turnId = Json.text(turn, "id");
    if (turnId == null) {
      turnId = activeTurnId != null ? activeTurnId : "";
    }
    data.put("turnId", turnId);
    override(data, "status", Json.text(turn, "status"));
    return data;
  }

  private static MappedEvent error(String method, JsonNode p) {
    ObjectNode data = spread(method, p);
    redact(data);
    if (Json.truthy(p.get("willRetry"))) {
      data.put("method", RECONNECT_METHOD);
      data.put("sourceMethod", method);
      data.put("phase", "retrying");
      return new MappedEvent(EventType.PROGRESS, data, true);
    }
    return new MappedEvent(EventType.ERROR, data, true);
  }

  private static void redact(ObjectNode data) {
    JsonNode message = data.get("message");
    if (message != null && message.isTextual()) {
      data.put("message", Redactor.redactPaths(message.asText()));
    }
    JsonNode error = data.get("error");
    if (error != null && error.isTextual()) {
      data.put("error", Redactor.redactPaths(error.asText()));
    } else if (error != null && error.isObject() && error.path("message").isTextual()) {
      ObjectNode copy = Json.object();
      copy.setAll((ObjectNode) error);
      copy.put("message", Redactor.redactPaths(error.get("message").asText()));
      data.set("error", copy);
    }
  }

  private static MappedEvent itemLifecycle(String method, JsonNode p) {
    ObjectNode data = spread(method, p);
    JsonNode item = p.get("item");
    String itemType = Json.text(item, "type");
    override(data, "status", Json.text(item, "status"));
    EventType type =
        "agentMessage".equals(itemType) || "userMessage".equals(itemType)
            ? EventType.OUTPUT
            : EventType.PROGRESS;
    return new MappedEvent(type, data, false);
  }

  /** {@code {method, ...params}}: a params key named {@code method} replaces the value in place. */
  private static ObjectNode spread(String method, JsonNode p) {
    ObjectNode data = Json.object();
    data.put("method", method);
    data.setAll((ObjectNode) p);
    return data;
  }

  /** Sets {@code key} to a string, or removes it when the value is undefined (null). */
  private static void override(ObjectNode data, String key, String value) {
    if (value == null) {
      data.remove(key);
    } else {
      data.put(key, value);
    }
  }

  private static void copyIfPresent(JsonNode from, ObjectNode to, String key) {
    JsonNode v = from.get(key);
    if (v != null) {
      to.set(key, v);
    }
  }
}
