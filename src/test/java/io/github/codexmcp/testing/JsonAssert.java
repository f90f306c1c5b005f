package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;

/** JSON equality that ignores numeric node classes (an int 5 equals a long 5). */
public final class JsonAssert {
  private JsonAssert() {}

  /** {@code expected} is JSON text (single quotes allowed) or a node. */
  public static void assertJson(Object expected, JsonNode actual) {
    assertJson(expected, actual, null);
  }

  public static void assertJson(Object expected, JsonNode actual, String message) {
    JsonNode e = expected instanceof String s ? FakeCodexBackend.json(s) : (JsonNode) expected;
    assertEquals(normalise(e), normalise(actual), message);
  }

  private static JsonNode normalise(JsonNode n) {
    return n == null ? null : Json.parse(Json.write(n));
  }
}
