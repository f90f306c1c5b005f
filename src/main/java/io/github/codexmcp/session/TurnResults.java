package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.CodexNotification;
import io.github.codexmcp.util.Json;

/** Builds the {@code result} object of a finished turn (spec 30 §7). */
final class TurnResults {
  private TurnResults() {}

  /** Result for a {@code turn/completed} notification. */
  static ObjectNode fromCompletedTurn(
      CodexNotification.TurnCompleted t,
      String activeTurnId,
      String finalAnswerText,
      String lastAgentMessageText,
      boolean turnHasOutputSchema,
      String completedAt) {
    JsonNode turn = t.turn();
    ObjectNode r = Json.object();
    String turnId = t.turnId();
    if (turnId == null) {
      turnId = activeTurnId != null ? activeTurnId : "";
    }
    r.put("turnId", turnId);
    String output = t.output();
    String text =
        output != null ? output : finalAnswerText != null ? finalAnswerText : lastAgentMessageText;
    if (text != null) {
      r.put("text", text);
    }
    if (output != null) {
      r.put("output", output);
    }
    JsonNode structured = t.structuredOutput();
    if (structured != null) {
      r.set("structuredOutput", structured);
    } else if (turnHasOutputSchema && text != null) {
      JsonNode parsed = parseJsonText(text);
      if (parsed != null) {
        r.set("structuredOutput", parsed);
      }
    }
    if (turn != null && turn.isObject()) { // the output schema promises objects for both
      r.set("turn", turn);
      if (t.status() != null) {
        r.put("status", t.status());
      }
      JsonNode err = t.error();
      if (err != null && err.isObject()) {
        r.set("turnError", err);
      } else if (err != null) {
        r.set("turnError", Json.object().set("message", err));
      }
    }
    r.put("completedAt", completedAt);
    return r;
  }

  /** Result recorded when a session is cancelled or its backend dies. */
  static ObjectNode synthetic(String turnId, String status, String error, String completedAt) {
    ObjectNode r = Json.object();
    r.put("turnId", turnId == null ? "" : turnId);
    r.put("status", status);
    r.put("error", error);
    r.put("completedAt", completedAt);
    return r;
  }

  static JsonNode parseJsonText(String text) {
    String t = text.trim();
    if (!(t.startsWith("{") || t.startsWith("["))) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(t);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
