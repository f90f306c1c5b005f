package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.Optional;

/**
 * One JSON-RPC message, classified by key presence (the peer never sends {@code "jsonrpc"}, so that
 * member is neither required nor checked):
 *
 * <ul>
 *   <li>{@code id} and ({@code result} or {@code error}) → {@link Response} / {@link
 *       ErrorResponse};
 *   <li>non-null {@code id} and a string {@code method} → {@link Request} (initiated by the peer);
 *   <li>a string {@code method} without {@code id} → {@link Notification}.
 * </ul>
 *
 * Ids stay {@link JsonNode}s (numbers or strings) so that answers echo them unchanged. {@code
 * params} and {@code result} stay untyped; callers convert them where they act on them.
 */
public sealed interface JsonRpcMessage {

  /** The wire form, with {@code "jsonrpc":"2.0"}; {@code params} is always present for calls. */
  ObjectNode toJson();

  /** A request; {@code params} is never null ({@code {}} when absent). */
  record Request(JsonNode id, String method, JsonNode params) implements JsonRpcMessage {
    public Request {
      params = params == null || params.isNull() ? Json.object() : params;
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode n = envelope();
      n.set("id", id);
      n.put("method", method);
      n.set("params", params);
      return n;
    }
  }

  /** A notification; {@code params} is never null ({@code {}} when absent). */
  record Notification(String method, JsonNode params) implements JsonRpcMessage {
    public Notification {
      params = params == null || params.isNull() ? Json.object() : params;
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode n = envelope();
      n.put("method", method);
      n.set("params", params);
      return n;
    }
  }

  /** A successful response; {@code result} is a JSON null node when the peer sent null. */
  record Response(JsonNode id, JsonNode result) implements JsonRpcMessage {
    public Response {
      result = result == null ? Json.NODES.nullNode() : result;
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode n = envelope();
      n.set("id", id);
      n.set("result", result);
      return n;
    }
  }

  /** An error response. */
  record ErrorResponse(JsonNode id, JsonRpcError error) implements JsonRpcMessage {
    @Override
    public ObjectNode toJson() {
      ObjectNode n = envelope();
      n.set("id", id);
      ObjectNode e = n.putObject("error");
      e.put("code", error.code());
      e.put("message", error.message());
      if (error.data() != null) {
        e.set("data", error.data());
      }
      return n;
    }
  }

  /** Classifies one decoded JSON value; empty when it is not an object or fits no variant. */
  static Optional<JsonRpcMessage> classify(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    JsonNode id = node.get("id");
    JsonNode method = node.get("method");
    boolean hasMethod = method != null && method.isTextual();
    if (id != null && (node.has("result") || node.has("error"))) {
      JsonNode err = node.get("error");
      if (err != null && !err.isNull()) {
        return Optional.of(new ErrorResponse(id, parseError(err)));
      }
      return Optional.of(new Response(id, node.get("result")));
    }
    if (hasMethod && id != null && !id.isNull()) {
      return Optional.of(new Request(id, method.asText(), node.get("params")));
    }
    if (hasMethod) {
      return Optional.of(new Notification(method.asText(), node.get("params")));
    }
    return Optional.empty();
  }

  private static JsonRpcError parseError(JsonNode err) {
    if (!err.isObject()) {
      return new JsonRpcError(-32603, err.asText(), null);
    }
    JsonNode code = err.get("code");
    JsonNode message = err.get("message");
    return new JsonRpcError(
        code != null && code.canConvertToInt() ? code.asInt() : -32603,
        message == null || message.isNull() ? "" : message.asText(),
        err.get("data"));
  }

  private static ObjectNode envelope() {
    ObjectNode n = Json.object();
    n.put("jsonrpc", "2.0");
    return n;
  }
}
