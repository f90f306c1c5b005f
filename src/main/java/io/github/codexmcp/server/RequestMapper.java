package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;

/**
 * The SDK's Jackson mapper, except that the parameters of a {@code tools/call} request, which the
 * transport hands over as the parsed tree, become a {@link McpSchema.CallToolRequest} by hand: the
 * name as it is, the arguments and {@code _meta} as {@link TreeBackedMap}s over their objects. Data
 * binding of the request record and of every argument happened once per call before, and the tool
 * adapter then turned the arguments back into a tree. Parameters of any other shape (a name that is
 * not a string, arguments that are not an object) go to Jackson, which reports them as before.
 */
final class RequestMapper implements McpJsonMapper {
  private final JacksonMcpJsonMapper jackson;

  RequestMapper(ObjectMapper mapper) {
    this.jackson = new JacksonMcpJsonMapper(mapper);
  }

  ObjectMapper objectMapper() {
    return jackson.getObjectMapper();
  }

  /** {@code params} of {@code tools/call} bound by hand, or null when Jackson must bind them. */
  static McpSchema.CallToolRequest callToolRequest(ObjectNode params) {
    JsonNode name = params.get("name");
    JsonNode args = params.get("arguments");
    JsonNode meta = params.get("_meta");
    if (name == null || !name.isTextual() || !objectOrAbsent(args) || !objectOrAbsent(meta)) {
      return null;
    }
    return new McpSchema.CallToolRequest(
        name.textValue(),
        args instanceof ObjectNode a ? new TreeBackedMap(a) : null,
        meta instanceof ObjectNode m ? new TreeBackedMap(m) : null);
  }

  private static boolean objectOrAbsent(JsonNode v) {
    return v == null || v.isNull() || v.isObject();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    if (fromValue instanceof ObjectNode params
        && type.getType() == McpSchema.CallToolRequest.class) {
      McpSchema.CallToolRequest request = callToolRequest(params);
      if (request != null) {
        return (T) request;
      }
    }
    return jackson.convertValue(fromValue, type);
  }

  @Override
  public <T> T convertValue(Object fromValue, Class<T> type) {
    return jackson.convertValue(fromValue, type);
  }

  @Override
  public <T> T readValue(String content, Class<T> type) throws IOException {
    return jackson.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, Class<T> type) throws IOException {
    return jackson.readValue(content, type);
  }

  @Override
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    return jackson.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
    return jackson.readValue(content, type);
  }

  @Override
  public String writeValueAsString(Object value) throws IOException {
    return jackson.writeValueAsString(value);
  }

  @Override
  public byte[] writeValueAsBytes(Object value) throws IOException {
    return jackson.writeValueAsBytes(value);
  }
}
