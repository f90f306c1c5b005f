package io.github.codexmcp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;

/** Small builders shared by the tests. */
final class TestEvents {
  private TestEvents() {}

  static ObjectNode json(String text) {
    return (ObjectNode) Json.parse(text.replace('\'', '"'));
  }

  static ObjectNode delta(String method, String itemId, String turnId, String delta) {
    ObjectNode d = Json.object();
    d.put("method", method);
    if (itemId != null) {
      d.put("itemId", itemId);
    }
    if (turnId != null) {
      d.put("turnId", turnId);
    }
    d.put("delta", delta);
    return d;
  }

  static ObjectNode commandDelta(String itemId, String delta) {
    return delta("item/commandExecution/outputDelta", itemId, "t1", delta);
  }

  static ObjectNode method(String method) {
    return Json.object().put("method", method);
  }

  static String text(JsonNode node, String field) {
    return node.get(field).asText();
  }
}
