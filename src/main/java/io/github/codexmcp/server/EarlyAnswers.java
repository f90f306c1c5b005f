package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.codexmcp.tools.ToolCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * The answers {@link EarlyInitialize} gives before the MCP SDK is loaded, written with the
 * streaming generator only: the same bytes of meaning the SDK would write for {@code initialize},
 * {@code tools/list} and an unknown method such as {@code server/discover}. Stateless; any thread.
 *
 * <p>The {@code tools} array of {@code tools/list} (some 75 KB of tool definitions) is made by the
 * build ({@link ToolsListFile}) and copied as bytes: copying it through the parser and generator
 * when the request comes took 30–40 ms of a cold JVM's interpreter on an idle machine, and several
 * times that when the rest of the start-up competed for the CPU. Without that file (classes built
 * by other means) the definitions are copied as before.
 */
final class EarlyAnswers {
  /** Protocol versions the SDK's stdio server offers, oldest first (the last is the default). */
  static final List<String> PROTOCOL_VERSIONS =
      List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

  /** The fields of a tool definition that the SDK's tool record carries to the client. */
  private static final Set<String> TOOL_FIELDS =
      Set.of("name", "title", "description", "inputSchema", "outputSchema", "annotations", "_meta");

  static final JsonFactory FACTORY = new JsonFactory();

  /** The {@code tools} array written by the build, compact, on the class path. */
  static final String TOOLS_RESOURCE = "/server/tools-list.json";

  private EarlyAnswers() {}

  /** A request's id as read: a JSON number (its literal text) or a string. */
  record Id(boolean number, String text) {
    void write(JsonGenerator g) throws IOException {
      if (number) {
        g.writeNumber(text);
      } else {
        g.writeString(text);
      }
    }
  }

  /**
   * The {@code initialize} answer with this server's capabilities, title and instructions ({@link
   * ServerIdentity}), newline-terminated.
   */
  static byte[] initialize(Id id, String requested, String serverName, String version)
      throws IOException {
    String protocol =
        requested != null && PROTOCOL_VERSIONS.contains(requested)
            ? requested
            : PROTOCOL_VERSIONS.get(PROTOCOL_VERSIONS.size() - 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = start(out, id)) {
      g.writeObjectFieldStart("result");
      g.writeStringField("protocolVersion", protocol);
      g.writeObjectFieldStart("capabilities");
      g.writeObjectFieldStart("logging");
      g.writeEndObject();
      g.writeObjectFieldStart("resources");
      g.writeBooleanField("subscribe", false);
      g.writeBooleanField("listChanged", true);
      g.writeEndObject();
      g.writeObjectFieldStart("tools");
      g.writeBooleanField("listChanged", true);
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("serverInfo");
      g.writeStringField("name", serverName);
      g.writeStringField("title", ServerIdentity.TITLE);
      g.writeStringField("version", version);
      g.writeEndObject();
      g.writeStringField("instructions", ServerIdentity.instructions());
      g.writeEndObject();
      g.writeEndObject();
    }
    return line(out);
  }

  /** The {@code tools/list} answer: every tool definition of the catalog, in order. */
  static byte[] toolsList(Id id) throws IOException {
    return toolsList(id, builtTools());
  }

  /**
   * The {@code tools/list} answer with {@code tools} (the array as {@link #builtTools} read it) as
   * its tools, or, when null, the definitions copied from the catalog.
   */
  static byte[] toolsList(Id id, byte[] tools) throws IOException {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(tools == null ? 96 * 1024 : tools.length + 64);
    try (JsonGenerator g = start(out, id)) {
      g.writeObjectFieldStart("result");
      g.writeFieldName("tools");
      if (tools != null) {
        g.writeRawValue(new RawJsonValue(tools));
      } else {
        writeTools(g);
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return line(out);
  }

  /** The {@code tools} array written by the build, or null when there is none. */
  static byte[] builtTools() {
    try (InputStream in = EarlyAnswers.class.getResourceAsStream(TOOLS_RESOURCE)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /** The {@code tools} array: every tool definition of the catalog, in order. */
  static void writeTools(JsonGenerator g) throws IOException {
    g.writeStartArray();
    for (String name : ToolCatalog.TOOL_NAMES) {
      copyTool(name, g);
    }
    g.writeEndArray();
  }

  /** {@code -32601} for a method this server does not have. */
  static byte[] methodNotFound(Id id, String method) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = start(out, id)) {
      g.writeObjectFieldStart("error");
      g.writeNumberField("code", -32601);
      g.writeStringField("message", "Method not found: " + method);
      g.writeEndObject();
      g.writeEndObject();
    }
    return line(out);
  }

  private static JsonGenerator start(ByteArrayOutputStream out, Id id) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.writeStartObject();
    g.writeStringField("jsonrpc", "2.0");
    g.writeFieldName("id");
    id.write(g);
    return g;
  }

  private static byte[] line(ByteArrayOutputStream out) {
    out.write('\n');
    return out.toByteArray();
  }

  private static void copyTool(String name, JsonGenerator g) throws IOException {
    try (InputStream in = ToolCatalog.class.getResourceAsStream("/tools/" + name + ".json")) {
      if (in == null) {
        throw new IOException("missing tool definition " + name);
      }
      try (JsonParser p = FACTORY.createParser(in)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("tool definition " + name + " is not an object");
        }
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (!TOOL_FIELDS.contains(field) || value == JsonToken.VALUE_NULL) {
            p.skipChildren();
            continue;
          }
          g.writeFieldName(field);
          g.copyCurrentStructure(p);
        }
        g.writeEndObject();
      }
    }
  }
}
