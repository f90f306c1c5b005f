package io.github.codexmcp.util;

/** A domain failure whose message is already in the contract's {@code Error [CODE]: text} form. */
public class CodexMcpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public CodexMcpException(ErrorCode code, String detail) {
    this(code, detail, null);
  }

  public CodexMcpException(ErrorCode code, String detail, Throwable cause) {
    super("Error [" + code + "]: " + detail, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static CodexMcpException invalid(String detail) {
    return new CodexMcpException(ErrorCode.INVALID_ARGUMENT, detail);
  }

  public static CodexMcpException internal(String detail) {
    return new CodexMcpException(ErrorCode.INTERNAL, detail);
  }

  public static CodexMcpException of(ErrorCode code, String detail) {
    return new CodexMcpException(code, detail);
  }
}
