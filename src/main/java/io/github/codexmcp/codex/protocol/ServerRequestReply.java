package io.github.codexmcp.codex.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to one request Codex sent: a result, or a JSON-RPC error when {@code errorMessage} is
 * non-null.
 */
public record ServerRequestReply(
    JsonNode rpcId, JsonNode result, int errorCode, String errorMessage) {

  public static ServerRequestReply result(JsonNode rpcId, JsonNode result) {
    return new ServerRequestReply(rpcId, result, 0, null);
  }

  public static ServerRequestReply error(JsonNode rpcId, int code, String message) {
    return new ServerRequestReply(rpcId, null, code, message);
  }

  public boolean isError() {
    return errorMessage != null;
  }
}
