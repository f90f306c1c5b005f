package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncomingLineTest {
  private static IncomingLine parse(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return IncomingLine.parse(b, b.length);
  }

  private static String deep(int levels) {
    return "{\"a\":".repeat(levels) + "1" + "}".repeat(levels);
  }

  @Test
  void aRequestIsItsTree() {
    IncomingLine l = parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
    assertFalse(l.isRefused());
    assertEquals(7, l.tree().get("id").intValue());
  }

  /** Nesting past Jackson's limit: the id (before or after the deep part) still answers it. */
  @Test
  void tooDeepRequestKeepsItsId() {
    String args = deep(1_000);
    IncomingLine before =
        parse(
            "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"codex\","
                + "\"arguments\":"
                + args
                + "}}");
    assertTrue(before.isRefused());
    assertEquals(Json.NODES.numberNode(42), Json.parse(before.id().toString()));
    assertTrue(before.error().startsWith("Invalid Request: nesting exceeds"), before.error());
    IncomingLine after =
        parse("{\"params\":{\"arguments\":" + deep(5_000) + "},\"id\":\"x\",\"method\":\"m\"}");
    assertEquals("x", after.id().textValue());
  }

  @Test
  void malformedLineKeepsAnIdReadBeforeTheError() {
    IncomingLine l = parse("{\"id\":\"r1\",\"method\":\"ping\",\"params\":{oops}");
    assertTrue(l.isRefused());
    assertEquals("r1", l.id().textValue());
    assertTrue(l.error().startsWith("Parse error"), l.error());
    assertNull(parse("{this is not json").id());
  }

  @Test
  void invalidIdsAreNotIds() {
    for (String id : new String[] {"true", "{}", "[1]", "null"}) {
      assertNull(parse("{\"id\":" + id + ",\"params\":{oops}").id(), id);
      assertFalse(IncomingLine.validId(Json.parse(id)), id);
    }
    assertTrue(IncomingLine.validId(Json.parse("1.5")));
  }

  @Test
  void notUtf8IsReadWithReplacementCharacters() {
    byte[] b = "{\"id\":1,\"x\":\"a?b\"}".getBytes(StandardCharsets.UTF_8);
    b[14] = (byte) 0xFF;
    IncomingLine l = IncomingLine.parse(b, b.length);
    assertEquals("a\uFFFDb", l.tree().get("x").textValue());
  }
}
