package io.github.codexmcp.session;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;

/** The errors session operations report, worded once. */
final class SessionErrors {
  private SessionErrors() {}

  static CodexMcpException notFound(String id) {
    return CodexMcpException.of(ErrorCode.SESSION_NOT_FOUND, "Session '" + id + "' not found");
  }

  static CodexMcpException noClient(String id) {
    return CodexMcpException.of(ErrorCode.SESSION_NOT_FOUND, "No client for session '" + id + "'");
  }

  static CodexMcpException cancelled(String id, String verb) {
    return CodexMcpException.of(
        ErrorCode.CANCELLED, "Session '" + id + "' has been cancelled and cannot be " + verb);
  }

  static CodexMcpException busy(String id, SessionStatus status) {
    return CodexMcpException.of(
        ErrorCode.SESSION_BUSY,
        "Session '" + id + "' is " + status.wireName() + ", expected idle or error");
  }

  static CodexMcpException notRunning(SessionStatus status) {
    return CodexMcpException.of(
        ErrorCode.SESSION_NOT_RUNNING,
        "Cannot interrupt session in " + status.wireName() + " state");
  }

  static CodexMcpException execNotSupported() {
    return CodexMcpException.of(
        ErrorCode.EXEC_NOT_SUPPORTED, "threadFork is not supported in exec mode");
  }

  static CodexMcpException requestNotFound(String requestId) {
    return CodexMcpException.of(
        ErrorCode.REQUEST_NOT_FOUND, "Request '" + requestId + "' not found or already resolved");
  }

  static CodexMcpException userInputNotFound(String requestId) {
    return CodexMcpException.of(
        ErrorCode.REQUEST_NOT_FOUND, "User input request '" + requestId + "' not found");
  }
}
