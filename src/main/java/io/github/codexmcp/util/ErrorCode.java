package io.github.codexmcp.util;

/** The thirteen error codes of the tool contract ({@code Error [CODE]: message}). */
public enum ErrorCode {
  INVALID_ARGUMENT,
  SESSION_NOT_FOUND,
  SESSION_BUSY,
  SESSION_NOT_RUNNING,
  REQUEST_NOT_FOUND,
  TIMEOUT,
  CANCELLED,
  APP_SERVER_START_FAILED,
  THREAD_FORK_RESUME_FAILED,
  PROTOCOL_PARSE_ERROR,
  WRITE_QUEUE_DROPPED,
  EXEC_NOT_SUPPORTED,
  INTERNAL
}
