package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.codexmcp.util.ReusableBytes;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;

/**
 * Writes the response to a tool call whose result {@link ToolAdapter} rendered (its structured
 * content is a {@link RenderedObject} and its one text is that object's text) from the rendered
 * bytes. The output is byte for byte what Jackson writes for the same message: the same members in
 * the same order, the same escapes.
 */
final class ToolResultWriter {
  private static final byte[] JSONRPC = ascii("{\"jsonrpc\":");
  private static final byte[] ID = ascii(",\"id\":");
  private static final byte[] CONTENT =
      ascii(",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"");
  private static final byte[] IS_ERROR = ascii("\"}],\"isError\":");
  private static final byte[] NO_IS_ERROR = ascii("\"}]");
  private static final byte[] STRUCTURED = ascii(",\"structuredContent\":");
  private static final byte[] END = ascii("}}");

  private ToolResultWriter() {}

  /**
   * Appends {@code message} to {@code out} and returns true when it is such a response; returns
   * false, having appended nothing, for any other message. {@code jackson} is the writer the
   * message would otherwise go through; it writes the small members (version and id).
   */
  static boolean write(Object message, ReusableBytes out, ObjectWriter jackson)
      throws JsonProcessingException {
    if (!(message instanceof McpSchema.JSONRPCResponse r)
        || r.error() != null
        || r.jsonrpc() == null
        || !(r.result() instanceof McpSchema.CallToolResult c)
        || !(c.structuredContent() instanceof RenderedObject rendered)
        || c.meta() != null
        || c.content() == null
        || c.content().size() != 1
        || !(c.content().get(0) instanceof McpSchema.TextContent t)
        || t.text() != rendered.text()
        || t.annotations() != null
        || t.meta() != null) {
      return false;
    }
    byte[] id = id(r.id(), jackson);
    if (id == null) {
      return false;
    }
    out.writeBytes(JSONRPC);
    out.writeBytes(jackson.writeValueAsBytes(r.jsonrpc()));
    out.writeBytes(ID);
    out.writeBytes(id);
    out.writeBytes(CONTENT);
    out.appendJsonStringContent(rendered.prettyUtf8());
    if (c.isError() != null) {
      out.writeBytes(IS_ERROR);
      out.writeBytes(ascii(c.isError().toString()));
    } else {
      out.writeBytes(NO_IS_ERROR);
    }
    out.writeBytes(STRUCTURED);
    byte[] compact = rendered.compactUtf8();
    if (compact != null) {
      out.writeBytes(compact);
    } else {
      out.appendCompact(rendered.prettyUtf8());
    }
    out.writeBytes(END);
    return true;
  }

  /** The id as JSON, or null for a kind of id left to Jackson. */
  private static byte[] id(Object id, ObjectWriter jackson) throws JsonProcessingException {
    if (id instanceof String s) {
      return jackson.writeValueAsBytes(s);
    }
    if (id instanceof Integer || id instanceof Long) {
      return ascii(id.toString());
    }
    return null;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
