package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;

/** The {@code error} member of a JSON-RPC error response; {@code data} is null when absent. */
public record JsonRpcError(int code, String message, JsonNode data) {
  public JsonRpcError {
    message = message == null ? "" : message;
  }
}
