package io.github.codexmcp.jsonrpc;

/**
 * Base of the failures a {@link JsonRpcConnection} reports: the peer's error response, a timeout, a
 * write failure, or a closed connection. The message is meant to be shown (after formatting) to
 * users.
 */
public class JsonRpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JsonRpcException(String message) {
    super(message);
  }

  public JsonRpcException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The peer answered with an error: message {@code RPC error <code>: <message>}. */
  public static final class ResponseError extends JsonRpcException {
    private static final long serialVersionUID = 1L;
    private final transient JsonRpcError error;

    public ResponseError(JsonRpcError error) {
      super("RPC error " + error.code() + ": " + error.message());
      this.error = error;
    }

    public JsonRpcError error() {
      return error;
    }
  }

  /** No response in time: message {@code Request <method> timed out after <ms>ms}. */
  public static final class Timeout extends JsonRpcException {
    private static final long serialVersionUID = 1L;

    public Timeout(String method, long millis) {
      super("Request " + method + " timed out after " + millis + "ms");
    }
  }

  /** Writing a frame to the peer failed; the connection's output is unusable afterwards. */
  public static final class WriteFailed extends JsonRpcException {
    private static final long serialVersionUID = 1L;

    public WriteFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The connection was closed (peer gone, owner destroyed it); the message says why. */
  public static final class Closed extends JsonRpcException {
    private static final long serialVersionUID = 1L;

    public Closed(String message) {
      super(message);
    }

    public Closed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
