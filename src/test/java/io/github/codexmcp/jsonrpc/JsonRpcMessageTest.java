package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.util.Json;
import org.junit.jupiter.api.Test;

class JsonRpcMessageTest {
  private static JsonRpcMessage classify(String json) {
    return JsonRpcMessage.classify(Json.parse(json)).orElseThrow();
  }

  @Test
  void classifiesByKeyPresenceWithoutJsonrpcMember() {
    assertInstanceOf(JsonRpcMessage.Response.class, classify("{\"id\":1,\"result\":{}}"));
    assertInstanceOf(JsonRpcMessage.Response.class, classify("{\"id\":1,\"result\":null}"));
    assertInstanceOf(
        JsonRpcMessage.ErrorResponse.class,
        classify("{\"id\":1,\"error\":{\"code\":-32600,\"message\":\"bad\"}}"));
    assertInstanceOf(
        JsonRpcMessage.Request.class, classify("{\"id\":0,\"method\":\"x/y\",\"params\":{}}"));
    assertInstanceOf(
        JsonRpcMessage.Notification.class,
        classify("{\"method\":\"x/y\",\"params\":{},\"emittedAtMs\":1}"));
  }

  @Test
  void rejectsValuesThatAreNoMessage() {
    assertTrue(JsonRpcMessage.classify(Json.parse("{\"foo\":1}")).isEmpty());
    assertTrue(JsonRpcMessage.classify(Json.parse("[1]")).isEmpty());
    assertTrue(JsonRpcMessage.classify(Json.parse("{\"id\":3}")).isEmpty());
  }

  @Test
  void keepsStringIdsAndDefaultsParams() {
    JsonRpcMessage.Request r =
        (JsonRpcMessage.Request) classify("{\"id\":\"abc\",\"method\":\"m\"}");
    assertEquals("\"abc\"", r.id().toString());
    assertEquals("{}", r.params().toString());
  }

  @Test
  void writesJsonrpcVersionAndAlwaysParams() {
    String req =
        Json.write(
            new JsonRpcMessage.Request(Json.NODES.numberNode(1L), "thread/start", null).toJson());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"thread/start\",\"params\":{}}", req);
    String note = Json.write(new JsonRpcMessage.Notification("initialized", null).toJson());
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}", note);
    String err =
        Json.write(
            new JsonRpcMessage.ErrorResponse(
                    Json.NODES.textNode("abc"),
                    new JsonRpcError(-32601, "Method not handled: x", null))
                .toJson());
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"error\":{\"code\":-32601,\"message\":\"Method not handled: x\"}}",
        err);
  }
}
