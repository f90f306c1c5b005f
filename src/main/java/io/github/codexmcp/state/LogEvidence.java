package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.List;

/**
 * What a session's event log says about it, for recovery when {@code meta.json} or {@code
 * result.json} is damaged or stale: the status its lifecycle events lead to, its thread id, the
 * first and last timestamps, and the result of its last finished turn.
 *
 * <p>The log is appended before the documents are written (see {@link BatchWriter}), so when it
 * holds a lifecycle event it is at least as new as {@code meta.json}. Lifecycle events, in the
 * order the session pushes them: {@code turn/started} (running), {@code approval_request} (waiting
 * for approval), {@code approval_result} (running), a {@code result} event ({@code turn/completed}:
 * idle; otherwise its {@code status}, {@code cancelled} or {@code error}) and an {@code error}
 * event (error). Immutable; built by {@link #of}.
 *
 * @param status the status the last lifecycle event leads to, or null when the log has none
 * @param threadId the thread id of the last {@code thread/started}, or null
 * @param firstTimestamp timestamp of the first event read, or null
 * @param lastTimestamp timestamp of the last event read, or null
 * @param firstSeq seq of the first event read, or -1 (0 means the log was read from its start)
 * @param lastResult the data of the last {@code result} event, or null
 * @param lastResultAt the timestamp of that event, or null
 * @param lastAgentText text of the last completed agent message, or null
 */
record LogEvidence(
    String status,
    String threadId,
    String firstTimestamp,
    String lastTimestamp,
    long firstSeq,
    ObjectNode lastResult,
    String lastResultAt,
    String lastAgentText) {

  /** Reads the evidence from log lines ({@code seq, type, data, timestamp}), ascending seq. */
  static LogEvidence of(List<ObjectNode> events) {
    String status = null;
    String threadId = null;
    String first = null;
    String last = null;
    long firstSeq = -1;
    ObjectNode lastResult = null;
    String lastResultAt = null;
    String agentText = null;
    for (ObjectNode e : events) {
      String ts = Json.text(e, "timestamp");
      if (first == null) {
        first = ts;
        firstSeq = e.path("seq").asLong(-1);
      }
      if (ts != null) {
        last = ts;
      }
      JsonNode data = e.get("data");
      String method = Json.text(data, "method");
      String type = String.valueOf(Json.text(e, "type"));
      switch (type) {
        case "progress":
          if ("turn/started".equals(method)) {
            status = "running";
          } else if ("thread/started".equals(method) && Json.text(data, "threadId") != null) {
            threadId = Json.text(data, "threadId");
          }
          break;
        case "approval_request":
          status = "waiting_approval";
          break;
        case "approval_result":
          status = "running";
          break;
        case "result":
          status = resultStatus(method, data);
          lastResult = data instanceof ObjectNode o ? o : null;
          lastResultAt = ts;
          break;
        case "error":
          status = "error";
          break;
        case "output":
          if ("item/completed".equals(method)
              && "agentMessage".equals(Json.text(data.path("item"), "type"))
              && Json.text(data.path("item"), "text") != null) {
            agentText = Json.text(data.path("item"), "text");
          }
          break;
        default:
          break;
      }
    }
    return new LogEvidence(
        status, threadId, first, last, firstSeq, lastResult, lastResultAt, agentText);
  }

  private static String resultStatus(String method, JsonNode data) {
    if ("turn/completed".equals(method)) {
      return "idle";
    }
    String s = Json.text(data, "status");
    return "cancelled".equals(s) ? "cancelled" : "error";
  }

  /**
   * The session's {@code lastResult} as far as the log tells it: turn id, status, completion time,
   * the text of the last agent message and the raw turn; null when the log has no result event.
   */
  ObjectNode rebuiltResult() {
    if (lastResult == null) {
      return null;
    }
    ObjectNode r = Json.object();
    String turnId = Json.text(lastResult, "turnId");
    r.put("turnId", turnId == null ? "" : turnId);
    JsonNode turn = lastResult.get("turn");
    if (lastAgentText != null) {
      r.put("text", lastAgentText);
    }
    if (turn != null && turn.isObject()) {
      r.set("turn", turn);
      JsonNode err = turn.get("error");
      if (err != null && err.isObject()) {
        r.set("turnError", err);
      }
    }
    String status = Json.text(lastResult, "status");
    if (status != null) {
      r.put("status", status);
    }
    String error = Json.text(lastResult, "error");
    if (error != null) {
      r.put("error", error);
    }
    String completedAt = Json.text(lastResult, "completedAt");
    r.put(
        "completedAt",
        completedAt != null ? completedAt : lastResultAt != null ? lastResultAt : "");
    return r;
  }
}
