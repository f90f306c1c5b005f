package io.github.codexmcp.workspace;

/** A git operation failed; the message says why in words fit for the MCP client. */
public final class WorkspaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WorkspaceException(String message) {
    super(message);
  }
}
