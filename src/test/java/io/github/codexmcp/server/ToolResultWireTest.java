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
}
