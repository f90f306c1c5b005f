package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;
import java.util.HashSet;
import java.util.Set;

/**
 * The answers the server sends to Codex's requests, in the shapes Codex expects: client decisions
 * (validated here against what the request allows), refusals, and the requests the server answers
 * at once.
 */
public final class Answers {
  static final int METHOD_NOT_FOUND = -32601;
  static final int SERVER_ERROR = -32000;

  private Answers() {}

  /** Answer sent when a request is abandoned (cancel, teardown, a terminal session). */
  public static JsonNode cancel(RequestKind kind) {
    return refusal(kind, "cancel");
  }

  /** Answer sent when nobody answered in time. */
  public static JsonNode timeout(RequestKind kind) {
    return refusal(kind, "decline");
  }

  private static JsonNode refusal(RequestKind kind, String verb) {
    switch (kind) {
      case USER_INPUT:
        return Json.object().set("answers", Json.object());
      case PERMISSIONS:
        return Json.object().set("permissions", Json.object());
      case MCP_TOOL_CALL:
      case ELICITATION:
        return Json.object().put("action", verb);
      default:
        return Json.object().put("decision", verb);
    }
  }

  static ObjectNode toolCallRefusal(String text) {
    ObjectNode o = Json.object().put("success", false);
    o.putArray("contentItems").addObject().put("type", "inputText").put("text", text);
    return o;
  }

  /** Whether the method is a legacy approval request (answered {@code abort}). */
  public static boolean isLegacyApproval(String method) {
    return ServerRequestMethods.LEGACY_PATCH_APPROVAL.equals(method)
        || ServerRequestMethods.LEGACY_EXEC_APPROVAL.equals(method);
  }

  /** Whether the server knows the method (parked or answered at once). */
  public static boolean isKnown(String method) {
    return ServerRequestMethods.TOOL_CALL.equals(method)
        || ServerRequestMethods.AUTH_REFRESH.equals(method)
        || isLegacyApproval(method);
  }

  /**
   * The answer to a request that is not parked ({@code kind == null}) or that reaches a session
   * which is over ({@code terminal}).
   */
  public static ServerRequestReply immediate(
      JsonNode rpcId, String method, RequestKind kind, boolean terminal) {
    if (kind != null) {
      return ServerRequestReply.result(rpcId, cancel(kind));
    }
    switch (method) {
      case ServerRequestMethods.TOOL_CALL:
        return ServerRequestReply.result(
            rpcId,
            toolCallRefusal(terminal ? "Session is terminal" : "Not supported by codex-mcp"));
      case ServerRequestMethods.AUTH_REFRESH:
        return ServerRequestReply.error(
            rpcId,
            SERVER_ERROR,
            terminal
                ? "account/chatgptAuthTokens/refresh unsupported: session is terminal"
                : "account/chatgptAuthTokens/refresh unsupported: codex-mcp does not manage"
                    + " external ChatGPT auth tokens");
      case ServerRequestMethods.LEGACY_PATCH_APPROVAL:
      case ServerRequestMethods.LEGACY_EXEC_APPROVAL:
        return ServerRequestReply.result(rpcId, Json.object().put("decision", "abort"));
      default:
        return ServerRequestReply.error(
            rpcId, METHOD_NOT_FOUND, "Unhandled server request: " + method);
    }
  }

  /**
   * The answer Codex expects for a client decision on a request of {@code kind} with {@code
   * params}; throws {@code INVALID_ARGUMENT} when the request does not accept the decision.
   */
  public static JsonNode approval(
      RequestKind kind, String requestId, ApprovalDecision d, ObjectNode params) {
    Decision decision = d.decision();
    switch (kind) {
      case COMMAND:
        return commandAnswer(d, params);
      case FILE_CHANGE:
        requireSimple(kind, decision);
        return Json.object().put("decision", decision.wireName());
      case PERMISSIONS:
        requireSimple(kind, decision);
        if (decision == Decision.ACCEPT || decision == Decision.ACCEPT_FOR_SESSION) {
          JsonNode requested = params.get("permissions");
          ObjectNode granted = Json.object();
          if (requested != null && requested.isObject()) {
            requested
                .properties()
                .forEach(
                    e -> {
                      if (!e.getValue().isNull()) {
                        granted.set(e.getKey(), e.getValue());
                      }
                    });
          }
          return Json.object()
              .<ObjectNode>set("permissions", granted)
              .put("scope", decision == Decision.ACCEPT ? "turn" : "session");
        }
        return Json.object().set("permissions", Json.object());
      case MCP_TOOL_CALL:
        requireSimple(kind, decision);
        if (decision == Decision.ACCEPT) {
          return Json.object().put("action", "accept").set("content", Json.object());
        }
        if (decision == Decision.ACCEPT_FOR_SESSION) {
          ObjectNode a = Json.object().put("action", "accept");
          a.set("content", Json.object());
          a.putObject("_meta").put("persist", "session");
          return a;
        }
        return Json.object().put("action", decision.wireName());
      default:
        throw CodexMcpException.invalid("Request '" + requestId + "' is not an approval request");
    }
  }

  private static void requireSimple(RequestKind kind, Decision d) {
    if (!d.isSimple()) {
      throw CodexMcpException.invalid(
          "Invalid " + kind.wireName() + " decision '" + d.wireName() + "'");
    }
  }

  private static JsonNode commandAnswer(ApprovalDecision d, ObjectNode params) {
    Decision decision = d.decision();
    Set<String> available = advertised(params.get("availableDecisions"));
    if (!available.isEmpty()
        && !available.contains(decision.wireName())
        && !decision.isAlwaysAllowed()) {
      throw CodexMcpException.invalid(
          "Decision '" + decision.wireName() + "' is not available for this approval prompt");
    }
    if (available.isEmpty() && decision == Decision.APPLY_NETWORK_POLICY_AMENDMENT) {
      throw CodexMcpException.invalid(
          "Decision 'applyNetworkPolicyAmendment' is not supported by this Codex CLI version"
              + " (missing availableDecisions)");
    }
    ObjectNode answer = Json.object();
    if (decision == Decision.ACCEPT_WITH_EXECPOLICY_AMENDMENT) {
      ArrayNode arr = Json.array();
      d.execAmendment().forEach(arr::add);
      answer
          .putObject("decision")
          .putObject("acceptWithExecpolicyAmendment")
          .set("execpolicy_amendment", arr);
    } else if (decision == Decision.APPLY_NETWORK_POLICY_AMENDMENT) {
      NetworkAmendment net = d.networkAmendment();
      ObjectNode amend = Json.object().put("action", net.action()).put("host", net.host());
      answer
          .putObject("decision")
          .putObject("applyNetworkPolicyAmendment")
          .set("network_policy_amendment", amend);
    } else {
      answer.put("decision", decision.wireName());
    }
    return answer;
  }

  /** Decision names a command approval advertises in {@code availableDecisions}. */
  static Set<String> advertised(JsonNode availableDecisions) {
    Set<String> out = new HashSet<>();
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

  /** The answer to questions ({@code user_input}) or a form ({@code elicitation}). */
  public static JsonNode userInput(RequestKind kind, ObjectNode answers) {
    if (kind != RequestKind.ELICITATION) {
      return Json.object().set("answers", answers);
    }
    ObjectNode content = Json.object();
    answers
        .properties()
        .forEach(
            e -> {
              JsonNode list = e.getValue().get("answers");
              if (list != null && list.isArray() && list.size() == 1) {
                content.set(e.getKey(), list.get(0));
              } else {
                content.set(e.getKey(), list == null ? e.getValue() : list);
              }
            });
    return Json.object().put("action", "accept").set("content", content);
  }
}
