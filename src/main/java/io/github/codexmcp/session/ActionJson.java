package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.util.Json;

/**
 * The {@code actions[]} entry of a poll (spec 30 §9). Rendered here rather than in the tool layer
 * because a poll is cut to {@code maxBytes} by the size of its wire form, and the cursor the
 * session stores depends on that cut.
 */
final class ActionJson {
  private ActionJson() {}

  static ObjectNode render(PendingAction p) {
    ObjectNode params = p.params();
    ObjectNode a = Json.object();
    a.put("type", p.type().wireName());
    a.put("requestId", p.requestId());
    a.put("kind", p.kind().wireName());
    a.set("params", params);
    a.put("itemId", p.itemId());
    if (p.reason() != null) {
      a.put("reason", p.reason());
    }
    if (p.approvalId() != null) {
      a.put("approvalId", p.approvalId());
    }
    if (p.kind() == RequestKind.COMMAND) {
      a.set("commandActions", arrayOrNull(params, "commandActions"));
      a.set("proposedExecpolicyAmendment", execAmendment(params));
      a.set("availableDecisions", arrayOrNull(params, "availableDecisions"));
      a.set(
          "proposedNetworkPolicyAmendments",
          arrayOrNull(params, "proposedNetworkPolicyAmendments"));
      if (params.has("additionalPermissions")) {
        a.set("additionalPermissions", objectOrNull(params, "additionalPermissions"));
      }
      if (params.has("networkApprovalContext")) {
        a.set("networkApprovalContext", objectOrNull(params, "networkApprovalContext"));
      }
    }
    a.put("createdAt", p.createdAt());
    return a;
  }

  static JsonNode arrayOrNull(ObjectNode params, String field) {
    JsonNode v = params.get(field);
    return v != null && v.isArray() ? v : Json.NODES.nullNode();
  }

  /** The field when it is an object, else JSON null (as the output schema declares). */
  static JsonNode objectOrNull(ObjectNode params, String field) {
    JsonNode v = params.get(field);
    return v != null && v.isObject() ? v : Json.NODES.nullNode();
  }

  /** {@code proposedExecpolicyAmendment}: string entries only, or null. */
  static JsonNode execAmendment(ObjectNode params) {
    JsonNode v = params.get("proposedExecpolicyAmendment");
    if (v == null || !v.isArray()) {
      return Json.NODES.nullNode();
    }
    ArrayNode out = Json.array();
    v.forEach(
        e -> {
          if (e.isTextual()) {
            out.add(e);
          }
        });
    return out;
  }
}
