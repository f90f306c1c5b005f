package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

class ToolAdapterRenderTest {
  @Test
  void theTextIsTheStructuredResultInTheStringifyLayoutWhateverItsCharacters() {
    ObjectNode o = Json.object();
    o.put("ascii", "plain \"quoted\" \\ text\n\ttab");
    o.put("bmp", "h\u00e9\u20ac \u2028");
    o.put("astral", "\uD83D\uDE00 and \uD834\uDD1E");
    o.put("control", "\u0000\u001f\u007f");
    o.put("lone", "a\uD800b\uDC00c");
    o.putArray("list").add(1).add(2.5).add(true).addNull().addObject();
    McpSchema.CallToolResult r = ToolAdapter.render(new ToolOutcome.Success(o));
    assertEquals(Json.pretty(o), ((McpSchema.TextContent) r.content().get(0)).text());
    assertSame(o, r.structuredContent());
  }
}
