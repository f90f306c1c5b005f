package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;

/**
 * The notifications whose fields the session acts on, read from Codex's {@code params}. Every other
 * method reads as {@link Other}; its params still go to the event log as they came.
 */
public sealed interface CodexNotification {
  String THREAD_STARTED = "thread/started";
  String TURN_STARTED = "turn/started";
  String TURN_COMPLETED = "turn/completed";
  String ITEM_COMPLETED = "item/completed";
  String REQUEST_RESOLVED = "serverRequest/resolved";
  String ERROR = "error";

  /** {@code thread/started}: the thread id (null when absent). */
  record ThreadStarted(String threadId) implements CodexNotification {}

  /** {@code turn/started}: the turn id (null when absent). */
  record TurnStarted(String turnId) implements CodexNotification {}

  /** {@code item/completed} of an agent message with text. */
  record AgentMessage(String text, boolean finalAnswer) implements CodexNotification {}

  /**
   * {@code turn/completed}.
   *
   * @param turn the {@code turn} object as sent (null when absent or JSON null)
   * @param turnId its id, or null
   * @param output its {@code output} text, or null
   * @param structuredOutput its {@code structuredOutput}, or null (absent or JSON null)
   * @param status its status, or null
   * @param error its {@code error}, or null (absent or JSON null)
   * @param usage its {@code usage}, or null when absent
   */
  record TurnCompleted(
      JsonNode turn,
      String turnId,
      String output,
      JsonNode structuredOutput,
      String status,
      JsonNode error,
      JsonNode usage)
      implements CodexNotification {}

  /** {@code error}; {@code willRetry} means Codex keeps going. */
  record Error(boolean willRetry) implements CodexNotification {}

  /** {@code serverRequest/resolved}: Codex settled the request with this JSON-RPC id itself. */
  record RequestResolved(JsonNode requestId) implements CodexNotification {}

  /** Anything else. */
  record Other() implements CodexNotification {}

  CodexNotification OTHER = new Other();

  /** Reads {@code params} of {@code method}. */
  static CodexNotification read(String method, JsonNode params) {
    switch (method) {
      case THREAD_STARTED:
        {
          String tid = Json.text(params, "threadId");
          if (tid == null && params != null) {
            tid = Json.text(params.get("thread"), "id");
          }
          return new ThreadStarted(tid);
        }
      case TURN_STARTED:
        return new TurnStarted(params == null ? null : Json.text(params.get("turn"), "id"));
      case ITEM_COMPLETED:
        {
          JsonNode item = params == null ? null : params.get("item");
          if (item != null && "agentMessage".equals(Json.text(item, "type"))) {
            String text = Json.text(item, "text");
            if (text != null) {
              return new AgentMessage(text, "final_answer".equals(Json.text(item, "phase")));
            }
          }
          return OTHER;
        }
      case TURN_COMPLETED:
        {
          JsonNode turn = params == null ? null : params.get("turn");
          if (turn != null && turn.isNull()) {
            turn = null;
          }
          JsonNode structured = turn == null ? null : turn.get("structuredOutput");
          JsonNode err = turn == null ? null : turn.get("error");
          return new TurnCompleted(
              turn,
              Json.text(turn, "id"),
              Json.text(turn, "output"),
              structured == null || structured.isNull() ? null : structured,
              Json.text(turn, "status"),
              err == null || err.isNull() ? null : err,
              turn != null && turn.has("usage") ? turn.get("usage") : null);
        }
      case ERROR:
        return new Error(Json.truthy(params == null ? null : params.get("willRetry")));
      case REQUEST_RESOLVED:
        {
          JsonNode rid = params == null ? null : params.get("requestId");
          return rid == null ? OTHER : new RequestResolved(rid);
        }
      default:
        return OTHER;
    }
  }
}
