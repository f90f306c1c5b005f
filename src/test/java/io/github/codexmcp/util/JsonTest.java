package io.github.codexmcp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static ObjectNode sample() {
    ObjectNode o = Json.object();
    o.put("text", "quote \" backslash \\ newline \n tab \t é € 😀 \u0001");
    o.putArray("events").addObject().put("id", 1).putNull("data");
    o.putArray("empty");
    o.putObject("none");
    o.put("n", 1.5).put("big", 12345678901L).put("ok", true);
    return o;
  }

  /** The bytes-based pretty printer gives the text Jackson's character-based writer gives. */
  @Test
  void prettyTextIsJacksonsTextWithTheSamePrinter() throws Exception {
    String viaWriter = Json.MAPPER.writer(Json.stringifyPrinter()).writeValueAsString(sample());
    assertEquals(viaWriter, Json.pretty(sample()));
  }

  /**
   * Tool text, resources and state files use the layout of {@code JSON.stringify(v, null, 2)}, as
   * the reference does (regression: tool text was Jackson's default layout, {@code "k" : v} with
   * arrays on one line and the platform's line separator).
   */
  @Test
  void prettyTextHasTheJsonStringifyLayout() {
    ObjectNode o = Json.object().put("a", 1);
    o.putArray("b").add(1).add("x").addObject().put("k", true);
    o.putArray("none");
    o.putObject("empty");
    o.putObject("o").putArray("deep").addArray().add(2);
    String expected =
        "{\n"
            + "  \"a\": 1,\n"
            + "  \"b\": [\n"
            + "    1,\n"
            + "    \"x\",\n"
            + "    {\n"
            + "      \"k\": true\n"
            + "    }\n"
            + "  ],\n"
            + "  \"none\": [],\n"
            + "  \"empty\": {},\n"
            + "  \"o\": {\n"
            + "    \"deep\": [\n"
            + "      [\n"
            + "        2\n"
            + "      ]\n"
            + "    ]\n"
            + "  }\n"
            + "}";
    assertEquals(expected, Json.pretty(o));
    // values JSON cannot hold are written as Jackson writes them
    o.put("nan", Double.NaN);
    assertEquals(
        expected.substring(0, expected.length() - 2) + ",\n  \"nan\": \"NaN\"\n}", Json.pretty(o));
  }

  @Test
  void bytesAreTheCompactTextInUtf8() {
    assertArrayEquals(Json.write(sample()).getBytes(StandardCharsets.UTF_8), Json.bytes(sample()));
  }

  /** State documents: same text as the character-based writer with the same printer gave. */
  @Test
  void stateDocumentsKeepTheirText() throws Exception {
    ObjectNode doc = sample();
    String text = io.github.codexmcp.state.StateDocs.prettyForTest(doc);
    assertEquals(true, text.endsWith("}\n"));
    assertEquals(doc, Json.parse(text));
    assertEquals(true, text.contains("\"text\": \"quote"));
    assertEquals(true, text.contains("\uD83D\uDE00"));
  }

  @Test
  void truthinessFollowsJavaScript() {
    for (String falsy : new String[] {"null", "false", "0", "0.0", "\"\""}) {
      org.junit.jupiter.api.Assertions.assertFalse(Json.truthy(Json.parse(falsy)), falsy);
    }
    for (String truthy : new String[] {"true", "1", "-0.5", "\"x\"", "{}", "[]"}) {
      org.junit.jupiter.api.Assertions.assertTrue(Json.truthy(Json.parse(truthy)), truthy);
    }
    org.junit.jupiter.api.Assertions.assertFalse(Json.truthy(null));
    org.junit.jupiter.api.Assertions.assertFalse(
        Json.truthy(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
  }
}
