package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;

/**
 * A request from codex parked until the MCP client answers it (approval or user input). The mutable
 * fields ({@link #resolved}, {@link #timeout}) are guarded by the owning session's monitor.
 */
final class PendingRequest {
  final String requestId;
  final RequestKind kind;
  final JsonNode rpcId;
  final String method;
  final ObjectNode params;
  final String createdAt;
  boolean resolved;
  Timer.Cancellable timeout;

  PendingRequest(
      String requestId,
      RequestKind kind,
      JsonNode rpcId,
      String method,
      ObjectNode params,
      String createdAt) {
    this.requestId = requestId;
    this.kind = kind;
    this.rpcId = rpcId;
    this.method = method;
    this.params = params;
    this.createdAt = createdAt;
  }

  /** {@code user_input} for questions and forms, else {@code approval}. */
  String actionType() {
    return kind.actionType().wireName();
  }

  String str(String field) {
    JsonNode v = params.get(field);
    return v != null && v.isTextual() ? v.asText() : "";
  }

  String optStr(String field) {
    return Json.text(params, field);
  }

  /** What the client is shown of this request. */
  PendingAction toAction() {
    return new PendingAction(
        requestId,
        kind.actionType(),
        kind,
        str("itemId"),
        optStr("reason"),
        optStr("approvalId"),
        params,
        createdAt);
  }

  /** The pinned {@code approval_request} event data. */
  ObjectNode toRequestEvent() {
    ObjectNode d = Json.object();
    d.put("requestId", requestId);
    d.put("kind", kind.wireName());
    switch (kind) {
      case COMMAND:
        copy(d, "itemId");
        putIfString(d, "approvalId");
        copy(d, "command");
        copy(d, "cwd");
        putIfString(d, "reason");
        d.set("commandActions", ActionJson.arrayOrNull(params, "commandActions"));
        d.set("proposedExecpolicyAmendment", ActionJson.execAmendment(params));
        d.set("availableDecisions", ActionJson.arrayOrNull(params, "availableDecisions"));
        d.set(
            "proposedNetworkPolicyAmendments",
            ActionJson.arrayOrNull(params, "proposedNetworkPolicyAmendments"));
        if (params.has("additionalPermissions")) {
          copy(d, "additionalPermissions");
        }
        if (params.has("networkApprovalContext")) {
          copy(d, "networkApprovalContext");
        }
        break;
      case USER_INPUT:
        copy(d, "questions");
        break;
      case PERMISSIONS:
        copy(d, "itemId");
        putIfString(d, "reason");
        copy(d, "permissions");
        break;
      case MCP_TOOL_CALL:
      case ELICITATION:
        putIfString(d, "serverName");
        putIfString(d, "message");
        if (params.has("requestedSchema")) {
          copy(d, "requestedSchema");
        }
        break;
      default:
        copy(d, "itemId");
        putIfString(d, "reason");
    }
    return d;
  }

  private void putIfString(ObjectNode d, String field) {
    String s = optStr(field);
    if (s != null) {
      d.put(field, s);
    }
  }

  private void copy(ObjectNode d, String field) {
    JsonNode v = params.get(field);
    if (v != null) {
      d.set(field, v);
    }
  }
}
