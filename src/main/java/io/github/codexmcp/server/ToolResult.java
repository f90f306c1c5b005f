package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A tool call's answer as the contract renders it: one text content ({@code structured} in the
 * {@code JSON.stringify(v, null, 2)} layout, or an error message), {@code isError}, and the object
 * itself as {@code structuredContent} (absent for input-validation errors).
 *
 * <p>The text is kept as the UTF-8 bytes Jackson printed when it can be ({@code textUtf8}): {@link
 * #response} then writes them into the answer with {@link JsonGenerator#writeUTF8String}, which
 * escapes them as a JSON string without ever making a {@code String} of a page that can be tens of
 * kilobytes (and, with one character beyond Latin-1 in it, twice that in memory and several times
 * slower to write). {@link #toSdk} gives the SDK's record for the answers the SDK writes.
 * Immutable; any thread.
 *
 * @param text the text, or null when {@code textUtf8} holds it
 * @param textUtf8 the text as UTF-8 bytes, or null when {@code text} holds it
 * @param structured the structured content, or null
 * @param isError whether the result is an error
 */
record ToolResult(String text, byte[] textUtf8, ObjectNode structured, boolean isError) {

  /** A result whose text is {@code text}. */
  static ToolResult ofText(String text, ObjectNode structured, boolean isError) {
    return new ToolResult(text, null, structured, isError);
  }

  /** The result whose text is {@code structured} in the stringify layout ({@link Json#pretty}). */
  static ToolResult ofObject(ObjectNode structured, boolean isError) {
    byte[] utf8 = Json.prettyBytes(structured);
    if (mayHoldEscapedSurrogate(utf8)) {
      // a lone surrogate is kept as the character it is, as the text layout has it
      return new ToolResult(Json.pretty(structured), null, structured, isError);
    }
    return new ToolResult(null, utf8, structured, isError);
  }

  /**
   * Whether UTF-8 output may contain a lone surrogate, which it writes as an escape ({@code
   * \\uD8..} to {@code \\uDF..}): any {@code \\uD} (also an escaped backslash before {@code uD})
   * sends the text the slow way, so nothing is missed.
   */
  private static boolean mayHoldEscapedSurrogate(byte[] utf8) {
    for (int i = 0; i + 2 < utf8.length; i++) {
      if (utf8[i] == '\\' && utf8[i + 1] == 'u' && utf8[i + 2] == 'D') {
        return true;
      }
    }
    return false;
  }

  /** The text as a {@code String}. */
  String textString() {
    return text != null ? text : new String(textUtf8, StandardCharsets.UTF_8);
  }

  /** The SDK's record of this result. */
  McpSchema.CallToolResult toSdk() {
    return new McpSchema.CallToolResult(
        List.of(new McpSchema.TextContent(textString())), isError, structured, null);
  }

  /**
   * The JSON-RPC answer carrying this result for the request {@code id}, as one line of UTF-8 JSON
   * without its line break: the same bytes as the SDK writes for {@link #toSdk} (a test compares
   * them).
   */
  byte[] response(JsonNode id) {
    try {
      return Json.COMPACT.writeValueAsBytes(new Answer(id, this));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The answer's JSON, written by Jackson's generator (recycled buffers of {@link Json#COMPACT}).
   */
  private record Answer(JsonNode id, ToolResult result) implements JsonSerializable {
    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
      g.writeStartObject();
      g.writeStringField("jsonrpc", McpSchema.JSONRPC_VERSION);
      g.writeFieldName("id");
      id.serialize(g, provider);
      g.writeFieldName("result");
      g.writeStartObject();
      g.writeFieldName("content");
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringField("type", "text");
      g.writeFieldName("text");
      if (result.textUtf8 != null) {
        g.writeUTF8String(result.textUtf8, 0, result.textUtf8.length);
      } else {
        g.writeString(result.text);
      }
      g.writeEndObject();
      g.writeEndArray();
      g.writeBooleanField("isError", result.isError);
      if (result.structured != null) {
        g.writeFieldName("structuredContent");
        result.structured.serialize(g, provider);
      }
      g.writeEndObject();
      g.writeEndObject();
    }

    @Override
    public void serializeWithType(
        JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
      serialize(g, provider);
    }
  }
}
