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

  JsonNode arrayOrNull(String field) {
    JsonNode v = params.get(field);
    return v != null && v.isArray() ? v : Json.NODES.nullNode();
  }

  /** The field when it is an object, else JSON null (as the output schema declares). */
  JsonNode objectOrNull(String field) {
    JsonNode v = params.get(field);
    return v != null && v.isObject() ? v : Json.NODES.nullNode();
  }

  /** {@code proposedExecpolicyAmendment}: string entries only, or null. */
  JsonNode execAmendment() {
    JsonNode v = params.get("proposedExecpolicyAmendment");
    if (v == null || !v.isArray()) {
      return Json.NODES.nullNode();
    }
    var out = Json.array();
    v.forEach(
        e -> {
          if (e.isTextual()) {
            out.add(e);
          }
        });
    return out;
  }

  /** The {@code actions[]} entry shown to the client. */
  ObjectNode toAction() {
    ObjectNode a = Json.object();
    a.put("type", actionType());
    a.put("requestId", requestId);
    a.put("kind", kind.wireName());
    a.set("params", params);
    a.put("itemId", str("itemId"));
    String reason = optStr("reason");
    if (reason != null) {
      a.put("reason", reason);
    }
    String approvalId = optStr("approvalId");
    if (approvalId != null) {
      a.put("approvalId", approvalId);
    }
    if (kind == RequestKind.COMMAND) {
      a.set("commandActions", arrayOrNull("commandActions"));
      a.set("proposedExecpolicyAmendment", execAmendment());
      a.set("availableDecisions", arrayOrNull("availableDecisions"));
      a.set("proposedNetworkPolicyAmendments", arrayOrNull("proposedNetworkPolicyAmendments"));
      if (params.has("additionalPermissions")) {
        a.set("additionalPermissions", objectOrNull("additionalPermissions"));
      }
      if (params.has("networkApprovalContext")) {
        a.set("networkApprovalContext", objectOrNull("networkApprovalContext"));
      }
    }
    a.put("createdAt", createdAt);
    return a;
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
        d.set("commandActions", arrayOrNull("commandActions"));
        d.set("proposedExecpolicyAmendment", execAmendment());
        d.set("availableDecisions", arrayOrNull("availableDecisions"));
        d.set("proposedNetworkPolicyAmendments", arrayOrNull("proposedNetworkPolicyAmendments"));
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
