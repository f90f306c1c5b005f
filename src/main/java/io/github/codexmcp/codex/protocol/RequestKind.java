package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;

/** Kinds of Codex requests that are parked until the client answers them. */
public enum RequestKind {
  COMMAND("command"),
  FILE_CHANGE("fileChange"),
  USER_INPUT("user_input"),
  PERMISSIONS("permissions"),
  MCP_TOOL_CALL("mcp_tool_call"),
  ELICITATION("elicitation");

  private final String wireName;

  RequestKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** {@code user_input} for questions and forms, else {@code approval}. */
  public ActionType actionType() {
    return this == USER_INPUT || this == ELICITATION ? ActionType.USER_INPUT : ActionType.APPROVAL;
  }

  /** Whether the client answers it with {@code respond_user_input}. */
  public boolean takesAnswers() {
    return actionType() == ActionType.USER_INPUT;
  }

  /** Kind of a request to park, or null when the method is answered at once. */
  public static RequestKind parked(String method, JsonNode params) {
    switch (method) {
      case ServerRequestMethods.COMMAND_APPROVAL:
        return COMMAND;
      case ServerRequestMethods.FILE_CHANGE_APPROVAL:
        return FILE_CHANGE;
      case ServerRequestMethods.USER_INPUT:
        return USER_INPUT;
      case ServerRequestMethods.PERMISSIONS_APPROVAL:
        return PERMISSIONS;
      case ServerRequestMethods.ELICITATION:
        JsonNode meta = params == null ? null : params.get("_meta");
        return "mcp_tool_call".equals(Json.text(meta, "codex_approval_kind"))
            ? MCP_TOOL_CALL
            : ELICITATION;
      default:
        return null;
    }
  }
}
