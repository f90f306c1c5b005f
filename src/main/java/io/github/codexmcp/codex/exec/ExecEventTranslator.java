package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Translates the JSONL events of one {@code codex exec --json} process into the app-server
 * notifications the session layer understands (spec 50 §4), and synthesizes the turn's end when the
 * process exits without one (spec 50 §5). One instance per turn process.
 *
 * <p><b>Current events</b> (codex 0.169, spec 90 §5.1):
 *
 * <ul>
 *   <li>{@code thread.started {thread_id}} → {@code thread/started {thread:{id}}}; the id is kept
 *       as {@link #realThreadId()} and used as {@code threadId} from then on.
 *   <li>{@code turn.started} → {@code turn/started {threadId, turn:{id, status:"inProgress"}}}.
 *   <li>{@code item.started} / {@code item.completed {item}} → {@code item/started} / {@code
 *       item/completed {threadId, turnId, item}} with the item in app-server shape: type and keys
 *       camelCase ({@code command_execution} → {@code commandExecution}, {@code aggregated_output}
 *       → {@code aggregatedOutput}, {@code collab_tool_call} → {@code collabAgentToolCall}), status
 *       values camelCase ({@code in_progress} → {@code inProgress}), file-change {@code kind:
 *       "add"} → {@code kind: {type: "add"}}. The text of the last completed {@code agentMessage}
 *       becomes the turn's output.
 *   <li>An item of type {@code error} is a warning, not a failure: {@code warning {threadId,
 *       turnId, message}}, as the app-server reports the same condition.
 *   <li>{@code todo_list} items (started, updated, completed) → {@code turn/plan/updated {plan:
 *       [{step, status: completed|pending}]}}, the app-server's to-do notification.
 *   <li>{@code item.plan.delta {item_id, delta}} → {@code item/plan/delta {itemId, delta}}.
 *   <li>{@code turn.completed {usage}} → {@code turn/completed {threadId, turn:{id,
 *       status:"completed", output?, usage}}}.
 *   <li>{@code turn.failed {error}} → {@code turn/completed {turn:{status:"failed", error}}}
 *       (default error {@code {message:"Turn failed"}}).
 *   <li>{@code error {message}} → {@code error {threadId, turnId, error:{message}, willRetry}};
 *       {@code willRetry} is true when the message mentions "reconnect" or contains {@code n/m}
 *       ({@code Reconnecting... 2/5}) — exec has no retry flag, and the turn's real end is {@code
 *       turn.failed}.
 * </ul>
 *
 * <p><b>Legacy events</b> of older CLIs (snake_case {@code EventMsg} types) follow the table of
 * spec 50 §4: deltas and progress become the matching app-server methods with the raw event keys
 * spread into the params (plus {@code delta} copied from a textual {@code chunk}); {@code
 * task_started}, {@code task_complete} and {@code turn_aborted} start and end the turn.
 *
 * <p>Anything else is reported once per type to the {@code unmapped} callback and dropped. After
 * the turn's end (event or synthesized), further terminal events are ignored.
 *
 * <p>Not thread-safe: the owning backend calls it under its lock.
 */
public final class ExecEventTranslator {
  /** One notification to hand to the session layer. */
  public record Notification(String method, ObjectNode params) {}

  static final String CONTEXT_UNAVAILABLE =
      "exec mode: multi-turn context unavailable (CLI did not provide thread ID). This turn runs"
          + " without prior context.";

  private static final Pattern RETRY_COUNT = Pattern.compile("\\d+/\\d+");
  private static final Pattern RECONNECT = Pattern.compile("(?i)reconnect");

  private static final Map<String, String> ITEM_TYPES =
      Map.ofEntries(
          Map.entry("agent_message", "agentMessage"),
          Map.entry("user_message", "userMessage"),
          Map.entry("command_execution", "commandExecution"),
          Map.entry("file_change", "fileChange"),
          Map.entry("mcp_tool_call", "mcpToolCall"),
          Map.entry("collab_tool_call", "collabAgentToolCall"),
          Map.entry("web_search", "webSearch"),
          Map.entry("todo_list", "todoList"));

  /** Legacy event type → app-server method, params = {threadId, turnId, ...raw event}. */
  private static final Map<String, String> LEGACY_PLAIN =
      Map.ofEntries(
          Map.entry("agent_message_delta", "item/agentMessage/delta"),
          Map.entry("agent_message_content_delta", "item/agentMessage/delta"),
          Map.entry("exec_command_output_delta", "item/commandExecution/outputDelta"),
          Map.entry("command_output_delta", "item/commandExecution/outputDelta"),
          Map.entry("terminal_interaction", "item/commandExecution/terminalInteraction"),
          Map.entry("file_change_output_delta", "item/fileChange/outputDelta"),
          Map.entry("reasoning_content_delta", "item/reasoning/textDelta"),
          Map.entry("reasoning_raw_content_delta", "item/reasoning/textDelta"),
          Map.entry("agent_reasoning_delta", "item/reasoning/textDelta"),
          Map.entry("agent_reasoning_raw_content_delta", "item/reasoning/textDelta"),
          Map.entry("reasoning_summary_delta", "item/reasoning/summaryTextDelta"),
          Map.entry("agent_reasoning_section_break", "item/reasoning/summaryPartAdded"),
          Map.entry("plan_delta", "item/plan/delta"),
          Map.entry("plan_update", "turn/plan/updated"),
          Map.entry("turn_diff", "turn/diff/updated"),
          Map.entry("diff_update", "turn/diff/updated"),
          Map.entry("mcp_tool_call_begin", "item/mcpToolCall/progress"),
          Map.entry("mcp_tool_call_end", "item/mcpToolCall/progress"),
          Map.entry("mcp_startup_update", "item/mcpToolCall/progress"),
          Map.entry("mcp_startup_complete", "item/mcpToolCall/progress"),
          Map.entry("model_reroute", "model/rerouted"),
          Map.entry("thread_name_updated", "thread/name/updated"),
          Map.entry("token_count", "thread/tokenUsage/updated"),
          Map.entry("session_configured", "sessionConfigured"),
          Map.entry("item_started", "item/started"),
          Map.entry("item_completed", "item/completed"),
          Map.entry("raw_response_item", "rawResponseItem/completed"));

  private final Consumer<String> unmapped;
  private String threadId;
  private String turnId;
  private String realThreadId;
  private String lastAgentMessage;
  private boolean completed;

  /**
   * @param threadId the thread id to report until {@code thread.started} names the real one
   * @param turnId the turn id handed out by {@code turnStart}
   * @param unmapped receives each event type that has no mapping (the caller logs it once)
   */
  public ExecEventTranslator(String threadId, String turnId, Consumer<String> unmapped) {
    this.threadId = threadId;
    this.turnId = turnId;
    this.unmapped = unmapped;
  }

  /** The CLI's thread id from {@code thread.started}, or null before it. */
  public String realThreadId() {
    return realThreadId;
  }

  /** The current turn id (a legacy {@code task_started} may replace it). */
  public String turnId() {
    return turnId;
  }

  /** Whether the turn has ended (terminal event seen or synthesized). */
  public boolean completed() {
    return completed;
  }

  /** Text of the last completed agent message of this turn, or null. */
  public String lastAgentMessage() {
    return lastAgentMessage;
  }

  /** The notifications for one parsed JSONL event (an object); empty when it maps to none. */
  public List<Notification> translate(JsonNode event) {
    List<Notification> out = new ArrayList<>();
    String type = Json.text(event, "type");
    if (type == null) {
      unmapped.accept(String.valueOf(event.get("type")));
      return out;
    }
    switch (type) {
      case "thread.started":
        threadStarted(event, out);
        break;
      case "turn.started":
      case "task_started":
        turnStarted(event, out);
        break;
      case "item.started":
        item("item/started", event.get("item"), out);
        break;
      case "item.updated":
        itemUpdated(event.get("item"), out);
        break;
      case "item.completed":
        item("item/completed", event.get("item"), out);
        break;
      case "item.plan.delta":
        {
          ObjectNode p = base();
          copy(event, "item_id", p, "itemId");
          copy(event, "delta", p, "delta");
          out.add(new Notification("item/plan/delta", p));
          break;
        }
      case "turn.completed":
        if (!completed) {
          out.add(completion("completed", null, event.get("usage")));
        }
        break;
      case "task_complete":
        if (!completed) {
          if (lastAgentMessage == null) {
            lastAgentMessage = Json.text(event, "last_agent_message");
          }
          out.add(completion("completed", null, null));
        }
        break;
      case "turn.failed":
        if (!completed) {
          out.add(completion("failed", errorObject(event.get("error"), "Turn failed"), null));
        }
        break;
      case "turn_aborted":
        if (!completed) {
          out.add(completion("cancelled", errorObject(event.get("reason"), "Turn aborted"), null));
        }
        break;
      case "error":
      case "stream_error":
        out.add(error(event, type));
        break;
      case "agent_message":
        {
          String text = Json.text(event, "message");
          if (text != null) {
            lastAgentMessage = text;
            ObjectNode p = base();
            p.putObject("item").put("type", "agentMessage").put("text", text);
            out.add(new Notification("item/completed", p));
          }
          break;
        }
      default:
        String method = LEGACY_PLAIN.get(type);
        if (method == null) {
          unmapped.accept(type);
        } else {
          ObjectNode p = base();
          p.setAll((ObjectNode) event);
          JsonNode chunk = event.get("chunk");
          if (!p.has("delta") && chunk != null && chunk.isTextual()) {
            p.set("delta", chunk);
          }
          out.add(new Notification(method, p));
        }
        break;
    }
    return out;
  }

  /**
   * The turn's end when the process exited without a terminal event; empty when the turn already
   * ended. Exit 0 → {@code completed} with the last agent message as output; killed by a signal (or
   * by {@code turnInterrupt}) → {@code failed} with {@code exec process killed by signal <sig>};
   * any other exit code → an {@code error} notification, then {@code failed} with {@code exec
   * process exited with code <c>}.
   *
   * @param code the exit code, null when killed by a signal
   * @param signal the signal name when killed by one, else null
   * @param interrupted whether {@code turnInterrupt} stopped the process
   * @param stderrTail last stderr lines (redacted) for {@code additionalDetails}, or null
   */
  public List<Notification> exit(
      Integer code, String signal, boolean interrupted, String stderrTail) {
    List<Notification> out = new ArrayList<>();
    if (completed) {
      return out;
    }
    if (interrupted || signal != null) {
      String sig = signal != null ? signal : "SIGTERM";
      out.add(
          completion("failed", errorObject(null, "exec process killed by signal " + sig), null));
      return out;
    }
    if (code != null && code == 0) {
      out.add(completion("completed", null, null));
      return out;
    }
    ObjectNode error = errorObject(null, "exec process exited with code " + code);
    if (stderrTail != null && !stderrTail.isBlank()) {
      error.put("additionalDetails", stderrTail);
    }
    ObjectNode p = base();
    p.set("error", error.deepCopy());
    p.put("willRetry", false);
    out.add(new Notification("error", p));
    out.add(completion("failed", error, null));
    return out;
  }

  /**
   * The {@code error} notification (with {@code willRetry:true}, so it becomes a reconnect progress
   * event) telling that a later turn runs without context because no thread id is known.
   */
  public Notification contextUnavailable() {
    ObjectNode p = base();
    p.set("error", errorObject(null, CONTEXT_UNAVAILABLE));
    p.put("willRetry", true);
    return new Notification("error", p);
  }

  // ---------------------------------------------------------------- events

  private void threadStarted(JsonNode event, List<Notification> out) {
    String id = Json.nonEmptyText(event, "thread_id");
    if (id == null) {
      id = Json.nonEmptyText(event, "threadId");
    }
    if (id == null) {
      return;
    }
    realThreadId = id;
    threadId = id;
    ObjectNode p = Json.object();
    p.putObject("thread").put("id", id);
    out.add(new Notification("thread/started", p));
  }

  private void turnStarted(JsonNode event, List<Notification> out) {
    String adopted = Json.nonEmptyText(event, "turn_id");
    if (adopted != null) {
      turnId = adopted;
    }
    ObjectNode p = Json.object();
    putIf(p, "threadId", threadId);
    ObjectNode turn = p.putObject("turn");
    putIf(turn, "id", turnId);
    turn.put("status", "inProgress");
    out.add(new Notification("turn/started", p));
  }

  private void item(String method, JsonNode raw, List<Notification> out) {
    if (raw == null || !raw.isObject()) {
      return;
    }
    String type = Json.text(raw, "type");
    if ("error".equals(type)) {
      ObjectNode p = base();
      copy(raw, "message", p, "message");
      out.add(new Notification("warning", p));
      return;
    }
    if ("todo_list".equals(type)) {
      out.add(planUpdated(raw));
      return;
    }
    ObjectNode item = appServerItem(raw);
    if (method.equals("item/completed") && "agentMessage".equals(Json.text(item, "type"))) {
      String text = Json.text(item, "text");
      if (text != null) {
        lastAgentMessage = text;
      }
    }
    ObjectNode p = base();
    p.set("item", item);
    out.add(new Notification(method, p));
  }

  private void itemUpdated(JsonNode raw, List<Notification> out) {
    if (raw != null && "todo_list".equals(Json.text(raw, "type"))) {
      out.add(planUpdated(raw));
    }
    // Other updates have no app-server counterpart (0.169 sends none for commands or messages).
  }

  private Notification planUpdated(JsonNode todo) {
    ObjectNode p = base();
    ArrayNode plan = p.putArray("plan");
    for (JsonNode entry : todo.path("items")) {
      ObjectNode step = plan.addObject();
      copy(entry, "text", step, "step");
      step.put("status", entry.path("completed").asBoolean(false) ? "completed" : "pending");
    }
    return new Notification("turn/plan/updated", p);
  }

  private Notification error(JsonNode event, String type) {
    String message = Json.text(event, "message");
    JsonNode error = event.get("error");
    ObjectNode errorObject;
    if (message != null) {
      errorObject = errorObject(null, message);
    } else if (error != null && !error.isNull()) {
      errorObject = errorObject(error, type);
    } else {
      errorObject = errorObject(null, type);
    }
    ObjectNode p = base();
    p.set("error", errorObject);
    p.put("willRetry", retryable(Json.text(errorObject, "message")));
    return new Notification("error", p);
  }

  private Notification completion(String status, JsonNode error, JsonNode usage) {
    completed = true;
    ObjectNode p = Json.object();
    putIf(p, "threadId", threadId);
    ObjectNode turn = p.putObject("turn");
    putIf(turn, "id", turnId);
    turn.put("status", status);
    if (lastAgentMessage != null && !lastAgentMessage.isEmpty()) {
      turn.put("output", lastAgentMessage);
    }
    if (error != null) {
      turn.set("error", error);
    }
    if (usage != null && !usage.isNull()) {
      turn.set("usage", usage);
    }
    return new Notification("turn/completed", p);
  }

  // ---------------------------------------------------------------- helpers

  /** Whether an exec {@code error} message announces a retry ({@code Reconnecting... 2/5}). */
  static boolean retryable(String message) {
    return message != null
        && (RECONNECT.matcher(message).find() || RETRY_COUNT.matcher(message).find());
  }

  /** An exec item converted to the app-server item shape (a new node). */
  static ObjectNode appServerItem(JsonNode raw) {
    ObjectNode item = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      item.set(camel(e.getKey()), e.getValue());
    }
    String type = Json.text(raw, "type");
    if (type != null) {
      item.put("type", ITEM_TYPES.getOrDefault(type, camel(type)));
    }
    String status = Json.text(item, "status");
    if (status != null) {
      item.put("status", camel(status));
    }
    JsonNode changes = item.get("changes");
    if (changes != null && changes.isArray()) {
      ArrayNode converted = Json.array();
      for (JsonNode change : changes) {
        if (change.isObject() && change.path("kind").isTextual()) {
          ObjectNode c = ((ObjectNode) change).deepCopy();
          c.putObject("kind").put("type", change.get("kind").asText());
          converted.add(c);
        } else {
          converted.add(change);
        }
      }
      item.set("changes", converted);
    }
    return item;
  }

  /** {@code snake_case} → {@code camelCase}; other text unchanged. */
  static String camel(String s) {
    if (s.indexOf('_') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_' && sb.length() > 0) {
        upper = true;
      } else if (upper) {
        sb.append(Character.toUpperCase(c));
        upper = false;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** {@code error} as an object with a {@code message}: objects kept, text wrapped. */
  private static ObjectNode errorObject(JsonNode error, String fallback) {
    if (error != null && error.isObject()) {
      ObjectNode copy = ((ObjectNode) error).deepCopy();
      if (!copy.path("message").isTextual()) {
        copy.put("message", fallback);
      }
      return copy;
    }
    if (error != null && error.isTextual()) {
      return Json.object().put("message", error.asText());
    }
    return Json.object().put("message", fallback);
  }

  private ObjectNode base() {
    ObjectNode p = Json.object();
    putIf(p, "threadId", threadId);
    putIf(p, "turnId", turnId);
    return p;
  }

  private static void putIf(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  private static void copy(JsonNode from, String key, ObjectNode to, String as) {
    JsonNode v = from == null ? null : from.get(key);
    if (v != null && !v.isNull()) {
      to.set(as, v);
    }
  }
}
