package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.codexmcp.util.Json;
import org.junit.jupiter.api.Test;

class ToolCallShapeTest {
  private static String refusal(String params) {
    return ToolCallShape.refusal(params == null ? null : Json.parse(params));
  }

  @Test
  void wellFormedCallsPass() {
    assertNull(refusal("{\"name\":\"codex\",\"arguments\":{}}"));
    assertNull(refusal("{\"name\":\"codex\"}"));
    assertNull(refusal("{\"name\":\"codex\",\"arguments\":null,\"_meta\":{\"k\":1}}"));
  }

  @Test
  void nonObjectArgumentsAreRefused() {
    assertEquals(
        "arguments of tool codex must be an object, got a string",
        refusal("{\"name\":\"codex\",\"arguments\":\"s\"}"));
    assertEquals(
        "arguments of tool codex must be an object, got a number",
        refusal("{\"name\":\"codex\",\"arguments\":5}"));
    assertEquals(
        "arguments of tool codex must be an object, got an array",
        refusal("{\"name\":\"codex\",\"arguments\":[1]}"));
    assertEquals(
        "arguments of tool codex must be an object, got a boolean",
        refusal("{\"name\":\"codex\",\"arguments\":true}"));
  }

  @Test
  void namesThatAreNotStringsAreRefused() {
    assertEquals("tool name must be a string, got null", refusal("{\"name\":null}"));
    assertEquals("tool name must be a string, got a number", refusal("{\"name\":5}"));
    assertEquals("tool name must be a string, got an array", refusal("{\"name\":[]}"));
    assertEquals("tool name must be a string, got nothing", refusal("{}"));
    assertEquals("tools/call params must be an object, got nothing", refusal(null));
    assertEquals("tools/call params must be an object, got an array", refusal("[]"));
  }
}
