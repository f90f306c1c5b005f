package io.github.codexmcp.codex.protocol;

/** Methods of the requests Codex sends to the server. */
public final class ServerRequestMethods {
  public static final String COMMAND_APPROVAL = "item/commandExecution/requestApproval";
  public static final String FILE_CHANGE_APPROVAL = "item/fileChange/requestApproval";
  public static final String USER_INPUT = "item/tool/requestUserInput";
  public static final String PERMISSIONS_APPROVAL = "item/permissions/requestApproval";
  public static final String ELICITATION = "mcpServer/elicitation/request";
  public static final String TOOL_CALL = "item/tool/call";
  public static final String AUTH_REFRESH = "account/chatgptAuthTokens/refresh";
  public static final String LEGACY_PATCH_APPROVAL = "applyPatchApproval";
  public static final String LEGACY_EXEC_APPROVAL = "execCommandApproval";

  private ServerRequestMethods() {}
}
