package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests initiated by codex: parks approvals and questions for the MCP client, answers the rest
 * at once, and sends the client's decisions back. Every request gets exactly one answer.
 */
final class ServerRequests {
  static final Set<String> COMMAND_DECISIONS =
      Set.of(
          "accept",
          "acceptForSession",
          "acceptWithExecpolicyAmendment",
          "applyNetworkPolicyAmendment",
          "decline",
          "cancel");
  static final Set<String> SIMPLE_DECISIONS =
      Set.of("accept", "acceptForSession", "decline", "cancel");
  private final SessionManager manager;
  private final Set<String> loggedUnknown = ConcurrentHashMap.newKeySet();

  ServerRequests(SessionManager manager) {
    this.manager = manager;
  }

  /** Kind of a parked request, or null when the method is answered immediately. */
  static String parkedKind(String method, JsonNode params) {
    switch (method) {
      case "item/commandExecution/requestApproval":
        return "command";
      case "item/fileChange/requestApproval":
        return "fileChange";
      case "item/tool/requestUserInput":
        return "user_input";
      case "item/permissions/requestApproval":
        return "permissions";
      case "mcpServer/elicitation/request":
        JsonNode meta = params == null ? null : params.get("_meta");
        return "mcp_tool_call".equals(Json.text(meta, "codex_approval_kind"))
            ? "mcp_tool_call"
            : "elicitation";
      default:
        return null;
    }
  }

  void handle(Session s, CodexBackend backend, JsonNode rpcId, String method, JsonNode rawParams) {
    ObjectNode params = rawParams instanceof ObjectNode o ? o : Json.object();
    String kind = parkedKind(method, params);
    synchronized (s) {
      if (s.status == SessionStatus.CANCELLED || s.status == SessionStatus.ERROR) {
        answerTerminal(backend, rpcId, method, kind);
        return;
      }
      manager.touch(s);
      s.progress.observe(method, params);
      if (kind == null) {
        answerImmediately(backend, rpcId, method);
      } else {
        String requestId = "req_" + manager.uuids.get().substring(0, 8);
        PendingRequest p =
            new PendingRequest(requestId, kind, rpcId, method, params, manager.now());
        s.pending.put(requestId, p);
        p.timeout =
            manager.timer.schedule(
                Duration.ofMillis(s.approvalTimeoutMs), () -> onTimeout(s, requestId));
        s.status = SessionStatus.WAITING_APPROVAL;
        s.push(EventType.APPROVAL_REQUEST, p.toRequestEvent(), true);
        manager.persistMeta(s);
      }
    }
    manager.wake(s);
  }

  private void answerImmediately(CodexBackend backend, JsonNode rpcId, String method) {
    switch (method) {
      case "item/tool/call":
        safeRespond(backend, rpcId, toolCallRefusal("Not supported by codex-mcp"));
        break;
      case "account/chatgptAuthTokens/refresh":
        safeError(
            backend,
            rpcId,
            -32000,
            "account/chatgptAuthTokens/refresh unsupported: codex-mcp does not manage external ChatGPT auth tokens");
        break;
      case "applyPatchApproval":
      case "execCommandApproval":
        SessionManager.LOG.info("[codex-mcp] Legacy approval request received: {}", method);
        safeRespond(backend, rpcId, Json.object().put("decision", "abort"));
        break;
      default:
        if (loggedUnknown.add(method)) {
          SessionManager.LOG.info("[codex-mcp] Unhandled server request: {}", method);
        }
        safeError(backend, rpcId, -32601, "Unhandled server request: " + method);
    }
  }

  private void answerTerminal(CodexBackend backend, JsonNode rpcId, String method, String kind) {
    if (kind != null) {
      safeRespond(backend, rpcId, cancelAnswer(kind));
      return;
    }
    switch (method) {
      case "item/tool/call":
        safeRespond(backend, rpcId, toolCallRefusal("Session is terminal"));
        break;
      case "account/chatgptAuthTokens/refresh":
        safeError(
            backend,
            rpcId,
            -32000,
            "account/chatgptAuthTokens/refresh unsupported: session is terminal");
        break;
      case "applyPatchApproval":
      case "execCommandApproval":
        safeRespond(backend, rpcId, Json.object().put("decision", "abort"));
        break;
      default:
        safeError(backend, rpcId, -32601, "Unhandled server request: " + method);
    }
  }

  static ObjectNode toolCallRefusal(String text) {
    ObjectNode o = Json.object().put("success", false);
    o.putArray("contentItems").addObject().put("type", "inputText").put("text", text);
    return o;
  }

  /** Answer sent when a request is abandoned (cancel, teardown). */
  static ObjectNode cancelAnswer(String kind) {
    return refusal(kind, "cancel");
  }

  /** Answer sent when nobody answered in time. */
  static ObjectNode timeoutAnswer(String kind) {
    return refusal(kind, "decline");
  }

  /** A request of {@code kind} refused with {@code verb} ({@code cancel} or {@code decline}). */
  private static ObjectNode refusal(String kind, String verb) {
    switch (kind) {
      case "user_input":
        return Json.object().set("answers", Json.object());
      case "permissions":
        return Json.object().set("permissions", Json.object());
      case "mcp_tool_call":
      case "elicitation":
        return Json.object().put("action", verb);
      default:
        return Json.object().put("decision", verb);
    }
  }

  private static void safeRespond(CodexBackend backend, JsonNode id, JsonNode result) {
    try {
      backend.respond(id, result);
    } catch (RuntimeException e) {
      SessionManager.LOG.warn("[codex-mcp] Failed to answer a codex request: {}", e.getMessage());
    }
  }

  private static void safeError(CodexBackend backend, JsonNode id, int code, String message) {
    try {
      backend.respondError(id, code, message);
    } catch (RuntimeException e) {
      SessionManager.LOG.warn("[codex-mcp] Failed to answer a codex request: {}", e.getMessage());
    }
  }

  private void onTimeout(Session s, String requestId) {
    synchronized (s) {
      PendingRequest p = s.pending.get(requestId);
      if (p == null || p.resolved) {
        return;
      }
      p.resolved = true;
      if (s.backend != null) {
        safeRespond(s.backend, p.rpcId, timeoutAnswer(p.kind));
      }
      ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind);
      String approvalId = p.optStr("approvalId");
      if (approvalId != null && p.kind.equals("command")) {
        ev.put("approvalId", approvalId);
      }
      if (!p.kind.equals("user_input")) {
        ev.put("decision", "decline");
      }
      ev.put("timeout", true);
      s.push(EventType.APPROVAL_RESULT, ev, true);
      finish(s, p);
    }
    manager.wake(s);
  }

  /** Removes a settled request and returns the session to running when none is left. */
  private void finish(Session s, PendingRequest p) {
    if (p.timeout != null) {
      p.timeout.cancel();
    }
    s.pending.remove(p.requestId);
    if (s.unresolvedCount() == 0 && s.status == SessionStatus.WAITING_APPROVAL) {
      s.status = SessionStatus.RUNNING;
    }
    manager.persistMeta(s);
  }

  /**
   * {@code serverRequest/resolved}: codex settled the request another way. Caller holds the lock.
   */
  void resolvedByCodex(Session s, JsonNode params) {
    JsonNode rid = params == null ? null : params.get("requestId");
    if (rid == null) {
      return;
    }
    for (PendingRequest p : new ArrayList<>(s.pending.values())) {
      if (!p.resolved && p.rpcId != null && p.rpcId.asText().equals(rid.asText())) {
        p.resolved = true;
        s.push(
            EventType.APPROVAL_RESULT,
            Json.object()
                .put("requestId", p.requestId)
                .put("kind", p.kind)
                .put("decision", "cancel")
                .put("resolvedBy", "codex"),
            true);
        finish(s, p);
      }
    }
  }

  /**
   * Answers and drops every pending request (cancel, eviction, child death). Caller holds the lock.
   */
  void settleAllForTeardown(Session s) {
    for (Iterator<PendingRequest> it = s.pending.values().iterator(); it.hasNext(); ) {
      PendingRequest p = it.next();
      if (p.timeout != null) {
        p.timeout.cancel();
      }
      if (!p.resolved && s.backend != null) {
        p.resolved = true;
        safeRespond(s.backend, p.rpcId, cancelAnswer(p.kind));
      }
      it.remove();
    }
  }

  // ---------------------------------------------------------------- client decisions

  /** {@code respond_permission}. Throws {@link CodexMcpException} on any failure. */
  void respondPermission(
      String sessionId,
      String requestId,
      String decision,
      List<String> execAmendment,
      JsonNode networkAmendment,
      String denyMessage) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      PendingRequest p = s.pending.get(requestId);
      if (p == null || p.resolved) {
        throw CodexMcpException.of(
            ErrorCode.REQUEST_NOT_FOUND,
            "Request '" + requestId + "' not found or already resolved");
      }
      JsonNode answer = permissionAnswer(p, decision, execAmendment, networkAmendment);
      send(s, p, answer);
      ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind);
      String approvalId = p.optStr("approvalId");
      if (approvalId != null) {
        ev.put("approvalId", approvalId);
      }
      ev.put("decision", decision);
      if (denyMessage != null) {
        ev.put("denyMessage", denyMessage);
      }
      s.push(EventType.APPROVAL_RESULT, ev, true);
      finish(s, p);
    }
    manager.wake(s);
  }

  /** {@code respond_user_input}. Throws {@link CodexMcpException} on any failure. */
  void respondUserInput(String sessionId, String requestId, ObjectNode answers) {
    Session s = manager.require(sessionId);
    synchronized (s) {
      PendingRequest p = s.pending.get(requestId);
      if (p == null
          || p.resolved
          || !(p.kind.equals("user_input") || p.kind.equals("elicitation"))) {
        throw CodexMcpException.of(
            ErrorCode.REQUEST_NOT_FOUND, "User input request '" + requestId + "' not found");
      }
      JsonNode answer;
      if (p.kind.equals("elicitation")) {
        ObjectNode content = Json.object();
        answers
            .fields()
            .forEachRemaining(
                e -> {
                  JsonNode list = e.getValue().get("answers");
                  if (list != null && list.isArray() && list.size() == 1) {
                    content.set(e.getKey(), list.get(0));
                  } else {
                    content.set(e.getKey(), list == null ? e.getValue() : list);
                  }
                });
        answer = Json.object().put("action", "accept").set("content", content);
      } else {
        answer = Json.object().set("answers", answers);
      }
      send(s, p, answer);
      ObjectNode ev = Json.object().put("requestId", requestId).put("kind", p.kind);
      String approvalId = p.optStr("approvalId");
      if (approvalId != null) {
        ev.put("approvalId", approvalId);
      }
      ev.set("answers", redactSecrets(p, answers));
      s.push(EventType.APPROVAL_RESULT, ev, true);
      finish(s, p);
    }
    manager.wake(s);
  }

  /**
   * Answers of questions flagged {@code isSecret} are replaced in the event (codex gets the real
   * ones).
   */
  private static JsonNode redactSecrets(PendingRequest p, ObjectNode answers) {
    JsonNode questions = p.params.get("questions");
    if (questions == null || !questions.isArray()) {
      return answers;
    }
    ObjectNode copy = answers.deepCopy();
    for (JsonNode q : questions) {
      if (q.path("isSecret").asBoolean(false) && copy.has(q.path("id").asText())) {
        copy.set(q.path("id").asText(), Json.object().set("answers", Json.array().add("<secret>")));
      }
    }
    return copy;
  }

  /** Marks resolved, sends, and rolls back on a write failure so the request stays answerable. */
  private void send(Session s, PendingRequest p, JsonNode answer) {
    p.resolved = true;
    if (s.backend == null) {
      p.resolved = false;
      throw CodexMcpException.internal(
          "Missing response handler for request '" + p.requestId + "'");
    }
    try {
      s.backend.respond(p.rpcId, answer);
    } catch (RuntimeException e) {
      p.resolved = false;
      if (s.status != SessionStatus.CANCELLED) {
        s.status = SessionStatus.WAITING_APPROVAL;
      }
      throw CodexMcpException.internal(
          "Failed to send response: session="
              + s.id
              + " request="
              + p.requestId
              + " kind="
              + p.kind
              + " error="
              + ErrorMessages.messageOf(e));
    }
  }

  /** Builds the answer codex expects for a permission-type decision, validating it first. */
  static JsonNode permissionAnswer(
      PendingRequest p, String d, List<String> execAmendment, JsonNode netAmendment) {
    switch (p.kind) {
      case "command":
        return commandAnswer(p, d, execAmendment, netAmendment);
      case "fileChange":
        if (!SIMPLE_DECISIONS.contains(d)) {
          throw CodexMcpException.invalid("Invalid fileChange decision '" + d + "'");
        }
        return Json.object().put("decision", d);
      case "permissions":
        if (!SIMPLE_DECISIONS.contains(d)) {
          throw CodexMcpException.invalid("Invalid permissions decision '" + d + "'");
        }
        if (d.equals("accept") || d.equals("acceptForSession")) {
          JsonNode requested = p.params.get("permissions");
          ObjectNode granted = Json.object();
          if (requested != null && requested.isObject()) {
            requested
                .fields()
                .forEachRemaining(
                    e -> {
                      if (!e.getValue().isNull()) {
                        granted.set(e.getKey(), e.getValue());
                      }
                    });
          }
          return Json.object()
              .<ObjectNode>set("permissions", granted)
              .put("scope", d.equals("accept") ? "turn" : "session");
        }
        return Json.object().set("permissions", Json.object());
      case "mcp_tool_call":
        if (!SIMPLE_DECISIONS.contains(d)) {
          throw CodexMcpException.invalid("Invalid mcp_tool_call decision '" + d + "'");
        }
        if (d.equals("accept")) {
          return Json.object().put("action", "accept").set("content", Json.object());
        }
        if (d.equals("acceptForSession")) {
          ObjectNode a = Json.object().put("action", "accept");
          a.set("content", Json.object());
          a.putObject("_meta").put("persist", "session");
          return a;
        }
        return Json.object().put("action", d);
      default:
        throw CodexMcpException.invalid("Request '" + p.requestId + "' is not an approval request");
    }
  }

  private static JsonNode commandAnswer(
      PendingRequest p, String d, List<String> execAmendment, JsonNode net) {
    Set<String> available = advertised(p.params.get("availableDecisions"));
    boolean alwaysAllowed =
        d.equals("decline") || d.equals("cancel") || d.equals("acceptForSession");
    if (!available.isEmpty() && !available.contains(d) && !alwaysAllowed) {
      throw CodexMcpException.invalid(
          "Decision '" + d + "' is not available for this approval prompt");
    }
    if (available.isEmpty() && d.equals("applyNetworkPolicyAmendment")) {
      throw CodexMcpException.invalid(
          "Decision 'applyNetworkPolicyAmendment' is not supported by this Codex CLI version (missing availableDecisions)");
    }
    if (!COMMAND_DECISIONS.contains(d)) {
      throw CodexMcpException.invalid("Invalid command decision '" + d + "'");
    }
    boolean hasExec = execAmendment != null && !execAmendment.isEmpty();
    if (d.equals("acceptWithExecpolicyAmendment")) {
      if (!hasExec) {
        throw CodexMcpException.invalid(
            "execpolicy_amendment required for acceptWithExecpolicyAmendment");
      }
    } else if (execAmendment != null) {
      throw CodexMcpException.invalid(
          "execpolicy_amendment is only valid for acceptWithExecpolicyAmendment");
    }
    if (d.equals("applyNetworkPolicyAmendment")) {
      if (net == null || net.isNull()) {
        throw CodexMcpException.invalid(
            "network_policy_amendment required for applyNetworkPolicyAmendment");
      }
      String action = Json.text(net, "action");
      if (!"allow".equals(action) && !"deny".equals(action)) {
        throw CodexMcpException.invalid(
            "network_policy_amendment.action must be 'allow' or 'deny'");
      }
      String host = Json.text(net, "host");
      if (host == null || host.isEmpty()) {
        throw CodexMcpException.invalid(
            "network_policy_amendment.host required for applyNetworkPolicyAmendment");
      }
    } else if (net != null && !net.isNull()) {
      throw CodexMcpException.invalid(
          "network_policy_amendment is only valid for applyNetworkPolicyAmendment");
    }
    ObjectNode answer = Json.object();
    if (d.equals("acceptWithExecpolicyAmendment")) {
      ArrayNode arr = Json.array();
      execAmendment.forEach(arr::add);
      answer
          .putObject("decision")
          .putObject("acceptWithExecpolicyAmendment")
          .set("execpolicy_amendment", arr);
    } else if (d.equals("applyNetworkPolicyAmendment")) {
      ObjectNode amend =
          Json.object().put("action", Json.text(net, "action")).put("host", Json.text(net, "host"));
      answer
          .putObject("decision")
          .putObject("applyNetworkPolicyAmendment")
          .set("network_policy_amendment", amend);
    } else {
      answer.put("decision", d);
    }
    return answer;
  }

  static Set<String> advertised(JsonNode availableDecisions) {
    Set<String> out = new java.util.HashSet<>();
    if (availableDecisions == null || !availableDecisions.isArray()) {
      return out;
    }
    for (JsonNode e : availableDecisions) {
      if (e.isTextual()) {
        out.add(e.asText());
      } else if (e.isObject()) {
        if (e.has("acceptWithExecpolicyAmendment")) {
          out.add("acceptWithExecpolicyAmendment");
        }
        if (e.has("applyNetworkPolicyAmendment")) {
          out.add("applyNetworkPolicyAmendment");
        }
      }
    }
    return out;
  }
}
