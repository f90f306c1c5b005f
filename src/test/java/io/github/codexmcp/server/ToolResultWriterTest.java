package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ReusableBytes;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolResultWriterTest {
  /** The writer the transport uses for every other message. */
  private static final ObjectWriter JACKSON = StdioTransportProvider.messageWriter(Json.MAPPER);

  private static ObjectNode busyPoll() {
    ObjectNode o = Json.object();
    o.put("sessionId", "sess_0123456789ab").put("status", "running").put("nextCursor", 42);
    var events = o.putArray("events");
    String[] texts = {
      "plain", "quote \" backslash \\ slash / newline \n tab \t cr \r", "é € ß 中文 😀 👍🏽",
          "\u0001\u0008\u000c\u001f\u007f",
      "", "\\\"\\n escaped-looking", "  spaces   inside  ", "{\"json\": [1, 2]} in text"
    };
    for (int i = 0; i < texts.length; i++) {
      ObjectNode e = events.addObject();
      e.put("id", i).put("type", "progress").put("timestamp", "2026-11-21T08:00:00.000Z");
      e.putObject("data").put("method", "item/agentMessage/delta").put("delta", texts[i]);
    }
    o.putArray("empty");
    o.putObject("none");
    o.putNull("nothing");
    o.put("n", 1.5)
        .put("neg", -3)
        .put("big", 12345678901L)
        .put("e", 1e-9)
        .put("ok", true)
        .put("no", false);
    o.putArray("nested").addArray().addObject().putArray("deeper").add(1).add("two").addNull();
    return o;
  }

  private static byte[] viaJackson(Object message) throws Exception {
    return JACKSON.writeValueAsBytes(message);
  }

  private static byte[] viaWriter(Object message) throws Exception {
    ReusableBytes b = new ReusableBytes(16, 1 << 20);
    assertTrue(ToolResultWriter.write(message, b, JACKSON), "the fast path applies");
    return b.toByteArray();
  }

  private static McpSchema.JSONRPCResponse response(Object id, McpSchema.CallToolResult result) {
    return new McpSchema.JSONRPCResponse("2.0", id, result, null);
  }

  @Test
  void successResultIsWrittenAsJacksonWritesIt() throws Exception {
    McpSchema.CallToolResult result = ToolAdapter.render(ToolOutcome.success(busyPoll()));
    for (Object id : new Object[] {7, 12345678901L, "req-1", "ünï \"quoted\" 😀"}) {
      Object message = response(id, result);
      assertEquals(
          new String(viaJackson(message), StandardCharsets.UTF_8),
          new String(viaWriter(message), StandardCharsets.UTF_8));
      assertArrayEquals(viaJackson(message), viaWriter(message));
    }
  }

  @Test
  void errorResultsAreWrittenAsJacksonWritesThem() throws Exception {
    ObjectNode failed = Json.object().put("error", "boom \"x\"\nsecond line").put("isError", true);
    McpSchema.CallToolResult inBody = ToolAdapter.render(ToolOutcome.success(failed));
    assertTrue(inBody.isError());
    assertArrayEquals(viaJackson(response(1, inBody)), viaWriter(response(1, inBody)));
    McpSchema.CallToolResult returned =
        ToolAdapter.render(
            ToolOutcome.returned("Error [SESSION_NOT_FOUND]: Session 'x' not found"));
    assertArrayEquals(viaJackson(response(2, returned)), viaWriter(response(2, returned)));
  }

  /**
   * A value the tree writer leaves to Jackson (NaN, a lone surrogate): the compact copy comes from
   * the text.
   */
  @Test
  void resultRenderedByJacksonIsWrittenAsJacksonWritesIt() throws Exception {
    ObjectNode poll = busyPoll().put("ratio", Double.NaN).put("lone", "x\uD800y");
    McpSchema.CallToolResult result = ToolAdapter.render(ToolOutcome.success(poll));
    assertEquals(null, ((RenderedObject) result.structuredContent()).compactUtf8());
    assertArrayEquals(viaJackson(response(9, result)), viaWriter(response(9, result)));
  }

  @Test
  void emptyAndNonObjectValues() throws Exception {
    for (ToolOutcome o :
        List.of(
            ToolOutcome.success(Json.object()),
            ToolOutcome.success(Json.NODES.textNode("just \"text\"")))) {
      McpSchema.CallToolResult result = ToolAdapter.render(o);
      assertArrayEquals(viaJackson(response(3, result)), viaWriter(response(3, result)));
    }
  }

  /** The rendered text is the indented JSON of the structured content, and both read as before. */
  @Test
  void renderedResultReadsLikeThePlainOne() {
    ObjectNode poll = busyPoll();
    McpSchema.CallToolResult result = ToolAdapter.render(ToolOutcome.success(poll));
    McpSchema.TextContent text = (McpSchema.TextContent) result.content().get(0);
    assertEquals(Json.pretty(poll), text.text());
    assertEquals(poll, result.structuredContent());
    assertEquals(result.structuredContent(), poll);
    RenderedObject rendered = (RenderedObject) result.structuredContent();
    assertSame(text.text(), rendered.text());
  }

  @Test
  void otherMessagesAreLeftToJackson() throws Exception {
    ReusableBytes b = new ReusableBytes(16, 1024);
    ObjectNode plain = busyPoll();
    McpSchema.CallToolResult unrendered =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(Json.pretty(plain))), false, plain, null);
    RenderedObject rendered =
        (RenderedObject) ToolAdapter.render(ToolOutcome.success(plain)).structuredContent();
    // same text, but not the rendered string itself: it could have been replaced
    McpSchema.CallToolResult otherText =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(new String(rendered.text()))), false, rendered, null);
    McpSchema.CallToolResult withMeta =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(rendered.text())), false, rendered, Map.of("k", 1));
    McpSchema.CallToolResult twoTexts =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(rendered.text()), new McpSchema.TextContent("more")),
            false,
            rendered,
            null);
    for (Object message :
        List.of(
            response(1, unrendered),
            response(1, otherText),
            response(1, withMeta),
            response(1, twoTexts),
            new McpSchema.JSONRPCResponse(
                "2.0", 1, null, new McpSchema.JSONRPCResponse.JSONRPCError(-32603, "x", null)),
            new McpSchema.JSONRPCResponse("2.0", 1, Map.of("tools", List.of()), null),
            new McpSchema.JSONRPCNotification(
                "2.0", "notifications/progress", Map.of("progress", 1)))) {
      assertFalse(ToolResultWriter.write(message, b, JACKSON), String.valueOf(message));
      assertEquals(0, b.size());
    }
  }

  @Test
  void compactAndEscapedTransformsOfReusableBytes() {
    ReusableBytes b = new ReusableBytes(4, 1024);
    b.appendCompact(
        "{\n  \"a b\" : [ 1, \"x\\\" y\" ],\r\n\t\"c\" : { }\n}".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "{\"a b\":[1,\"x\\\" y\"],\"c\":{}}", new String(b.toByteArray(), StandardCharsets.UTF_8));
    b.clear();
    b.appendJsonStringContent("a\"b\\c\n\u0000\u001f é😀".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "a\\\"b\\\\c\\n\\u0000\\u001F é😀", new String(b.toByteArray(), StandardCharsets.UTF_8));
    b.clear();
    // an escaped backslash right before the closing quote, then spaces to drop
    b.appendCompact(
        "{\"k\" : \"a\\\\\" , \"m\" : [ \"\\\" }\" ] }".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "{\"k\":\"a\\\\\",\"m\":[\"\\\" }\"]}",
        new String(b.toByteArray(), StandardCharsets.UTF_8));
    b.clear();
    // malformed input ends inside a string: copied, no failure
    b.appendCompact("[\"abc\\".getBytes(StandardCharsets.UTF_8));
    assertEquals("[\"abc\\", new String(b.toByteArray(), StandardCharsets.UTF_8));
  }

  /**
   * Long text made mostly of characters to escape, so the buffer grows in the middle of escaping.
   */
  @Test
  void escapingGrowsTheBufferAsNeeded() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      sb.append((char) (i % 40)).append('"').append("é");
    }
    String text = sb.toString();
    ReusableBytes b = new ReusableBytes(4, 1 << 20);
    b.appendJsonStringContent(text.getBytes(StandardCharsets.UTF_8));
    String quoted = JACKSON.writeValueAsString(text);
    assertEquals(
        quoted.substring(1, quoted.length() - 1),
        new String(b.toByteArray(), StandardCharsets.UTF_8));
  }
}
