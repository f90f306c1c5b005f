package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tool result as written to stdout: the text in the stringify layout, the object compact. */
class ToolResultWireTest {
  private static String line(McpSchema.CallToolResult result) throws Exception {
    return new String(
        Json.COMPACT.writeValueAsBytes(new McpSchema.JSONRPCResponse("2.0", 7, result, null)),
        StandardCharsets.UTF_8);
  }

  @Test
  void successIsItsTextAndItsObject() throws Exception {
    ObjectNode o = Json.object();
    o.put("text", "quote \" backslash \\ newline \n tab \t é € 😀 \u0001");
    o.putArray("events").addObject().put("id", 1).putNull("data");
    o.putArray("empty");
    o.put("n", 1.5).put("big", 12345678901L);
    String line = line(ToolAdapter.render(ToolOutcome.success(o)));
    assertFalse(line.contains("\n"), line);
    assertTrue(line.contains("😀"), "characters beyond the BMP as UTF-8: " + line);
    JsonNode back = Json.parse(line);
    assertEquals(Json.pretty(o), back.at("/result/content/0/text").textValue());
    assertTrue(back.at("/result/content/0/text").textValue().contains("\n  \"events\": [\n"));
    assertEquals(o, back.at("/result/structuredContent"));
    assertFalse(back.at("/result/isError").asBoolean());
    assertTrue(line.contains(",\"structuredContent\":{\"text\":"), line);
  }

  @Test
  void errorsAreFlagged() throws Exception {
    JsonNode thrown =
        Json.parse(line(ToolAdapter.render(new ToolOutcome.Thrown("Error [X]: boom"))));
    assertEquals("Error [X]: boom", thrown.at("/result/content/0/text").textValue());
    assertTrue(thrown.at("/result/isError").asBoolean());
    assertEquals("Error [X]: boom", thrown.at("/result/structuredContent/error").textValue());
    JsonNode returned = Json.parse(line(ToolAdapter.render(ToolOutcome.returned("Error [Y]: no"))));
    assertTrue(returned.at("/result/isError").asBoolean());
    JsonNode wrapped = Json.parse(line(ToolAdapter.render(ToolOutcome.success(Json.array()))));
    assertEquals("{\n  \"value\": []\n}", wrapped.at("/result/content/0/text").textValue());
  }

  /** What the SDK writes for {@code result} as the answer to {@code id}. */
  private static String sdkLine(JsonNode id, ToolResult result) throws Exception {
    Object sdkId = id.isNumber() ? id.numberValue() : id.asText();
    return new String(
        StdoutWriter.serialise(new McpSchema.JSONRPCResponse("2.0", sdkId, result.toSdk(), null)),
        StandardCharsets.UTF_8);
  }

  @Test
  void theDirectAnswerIsByteForByteTheSdkAnswer() throws Exception {
    ObjectNode o = Json.object();
    o.put("text", "quote \" backslash \\ newline \n tab \t é € 😀 \u0001 \u007f \u2028 end");
    o.putArray("events").addObject().put("id", 1).putNull("data");
    o.putArray("empty");
    o.putObject("nested").put("n", 1.5).put("big", 12345678901L).put("f", false);
    ObjectNode lone = Json.object().put("text", "lone \uD800 surrogate");
    List<ToolResult> results =
        List.of(
            ToolAdapter.result(ToolOutcome.success(o)),
            ToolAdapter.result(ToolOutcome.success(lone)),
            ToolAdapter.result(ToolOutcome.success(Json.array())),
            ToolAdapter.result(new ToolOutcome.Thrown("Error [X]: boom \"é\"")),
            ToolAdapter.result(ToolOutcome.returned("Error [Y]: no")),
            ToolAdapter.inputError("codex_check", List.of("a: \"x\" expected")));
    assertTrue(results.get(0).textUtf8() != null, "a page's text stays in bytes");
    assertTrue(results.get(1).text() != null, "a lone surrogate takes the String path");
    for (JsonNode id : List.of(Json.NODES.numberNode(7), Json.NODES.textNode("req-\"1\""))) {
      for (ToolResult r : results) {
        assertEquals(
            sdkLine(id, r), new String(r.response(id), StandardCharsets.UTF_8), r.textString());
      }
    }
  }
}
